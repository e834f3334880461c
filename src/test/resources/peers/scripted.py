"""A Python peer that the harness's own tests drive one command per line.

Commands: "echo TEXT" prints TEXT; "err TEXT" prints TEXT to stderr; "spawn" starts
"sleep 600" and prints its pid; "fail TEXT" raises an exception (exit code 1); "exit N"
exits with status N. The arguments are printed to stderr first, then READY. It returns
when stdin ends.
"""
import subprocess
import sys


def main():
    for arg in sys.argv[1:]:
        print(arg, file=sys.stderr, flush=True)
    print("READY", flush=True)
    for line in sys.stdin:
        command, _, argument = line.rstrip("\n").partition(" ")
        if command == "echo":
            print(argument, flush=True)
        elif command == "err":
            print(argument, file=sys.stderr, flush=True)
        elif command == "spawn":
            print(subprocess.Popen(["sleep", "600"]).pid, flush=True)
        elif command == "fail":
            raise RuntimeError(argument)
        elif command == "exit":
            sys.exit(int(argument))
        else:
            raise ValueError("unknown command: " + line)


if __name__ == "__main__":
    main()

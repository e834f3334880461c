package org.panamaipc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.panamaipc.bindings.__pthread_mutex_s;
import org.panamaipc.bindings.cmsghdr;
import org.panamaipc.bindings.epoll_data;
import org.panamaipc.bindings.epoll_event;
import org.panamaipc.bindings.flock;
import org.panamaipc.bindings.iovec;
import org.panamaipc.bindings.ipc_perm;
import org.panamaipc.bindings.mq_attr;
import org.panamaipc.bindings.msghdr;
import org.panamaipc.bindings.msqid_ds;
import org.panamaipc.bindings.pollfd;
import org.panamaipc.bindings.posix_spawn_file_actions_t;
import org.panamaipc.bindings.posix_spawnattr_t;
import org.panamaipc.bindings.pthread_cond_t;
import org.panamaipc.bindings.pthread_condattr_t;
import org.panamaipc.bindings.pthread_mutex_t;
import org.panamaipc.bindings.pthread_mutexattr_t;
import org.panamaipc.bindings.rlimit;
import org.panamaipc.bindings.sem_t;
import org.panamaipc.bindings.sembuf;
import org.panamaipc.bindings.semid_ds;
import org.panamaipc.bindings.shmid_ds;
import org.panamaipc.bindings.sigaction;
import org.panamaipc.bindings.sigevent;
import org.panamaipc.bindings.siginfo_t;
import org.panamaipc.bindings.signalfd_siginfo;
import org.panamaipc.bindings.sigset_t;
import org.panamaipc.bindings.sigval;
import org.panamaipc.bindings.sockaddr;
import org.panamaipc.bindings.sockaddr_un;
import org.panamaipc.bindings.stat;
import org.panamaipc.bindings.timespec;
import org.panamaipc.bindings.ucred;

/**
 * The generated bindings lay out every C structure the library touches exactly as this
 * machine's C compiler does: a mismatch (another architecture, another C library) must
 * fail here, loudly, rather than corrupt memory at run time.
 *
 * <p>The C side is {@code src/test/resources/c/layouts.c}; its output is committed as
 * {@code layouts.expected}, so the comparison runs without a compiler. Fields that glibc
 * defines as macros over nested unions ({@code si_pid} is
 * {@code _sifields._kill.si_pid}) are followed through the same path in the Java layout.
 */
class StructLayoutTest {

    @Test
    void bindingsMatchTheCommittedCLayouts() {
        Map<String, Long> expected = parse(CReference.expected("layouts.expected"));
        Map<String, Long> actual = bindings();

        assertThat(actual.keySet())
                .as("every line of layouts.expected has a Java counterpart and vice versa")
                .containsExactlyInAnyOrderElementsOf(expected.keySet());
        List<String> mismatches = new ArrayList<>();
        expected.forEach((name, c) -> {
            long java = actual.get(name);
            if (java != c) {
                mismatches.add(name + ": C says " + c + ", bindings say " + java);
            }
        });
        assertThat(mismatches).as("layouts that differ from C").isEmpty();
    }

    @Test
    void epollEventIsPackedOnX8664() {
        // The kernel declares struct epoll_event packed on x86_64 only; an unpacked layout
        // (size 16, data at 8) would shift every event after the first.
        assertThat(epoll_event.sizeof()).isEqualTo(12);
        assertThat(epoll_event.data$offset()).isEqualTo(4);
        assertThat(epoll_event.layout().byteSize() * 3)
                .isEqualTo(MemoryLayout.sequenceLayout(3, epoll_event.layout()).byteSize());
    }

    @Test
    @Timeout(120)
    void committedLayoutsAreWhatTheCCompilerSaysHere() throws Exception {
        assumeTrue(CReference.gccAvailable(), "gcc is not installed; compared with the committed file only");

        assertThat(CReference.compileAndRun("layouts.c"))
                .as("output of layouts.c compiled here; if this fails, the platform differs from the"
                        + " one the bindings were generated for")
                .containsExactlyElementsOf(CReference.expected("layouts.expected"));
    }

    static Map<String, Long> parse(List<String> lines) {
        Map<String, Long> values = new LinkedHashMap<>();
        for (String line : lines) {
            String[] words = line.trim().split("\\s+");
            assertThat(words).as("line '%s'", line).hasSize(2);
            assertThat(values.put(words[0], Long.parseLong(words[1]))).as("duplicate %s", words[0]).isNull();
        }
        return values;
    }

    /** The same names as layouts.c prints, with the values the generated bindings hold. */
    private static Map<String, Long> bindings() {
        Map<String, Long> m = new LinkedHashMap<>();

        m.put("cmsghdr", cmsghdr.sizeof());
        m.put("cmsghdr.cmsg_len", cmsghdr.cmsg_len$offset());
        m.put("cmsghdr.cmsg_level", cmsghdr.cmsg_level$offset());
        m.put("cmsghdr.cmsg_type", cmsghdr.cmsg_type$offset());
        m.put("cmsghdr.__cmsg_data", cmsghdr.__cmsg_data$offset());

        m.put("epoll_data", epoll_data.sizeof());
        m.put("epoll_event", epoll_event.sizeof());
        m.put("epoll_event.events", epoll_event.events$offset());
        m.put("epoll_event.data", epoll_event.data$offset());

        m.put("flock", flock.sizeof());
        m.put("flock.l_type", flock.l_type$offset());
        m.put("flock.l_whence", flock.l_whence$offset());
        m.put("flock.l_start", flock.l_start$offset());
        m.put("flock.l_len", flock.l_len$offset());
        m.put("flock.l_pid", flock.l_pid$offset());

        m.put("iovec", iovec.sizeof());
        m.put("iovec.iov_base", iovec.iov_base$offset());
        m.put("iovec.iov_len", iovec.iov_len$offset());

        m.put("ipc_perm", ipc_perm.sizeof());
        m.put("ipc_perm.__key", ipc_perm.__key$offset());
        m.put("ipc_perm.uid", ipc_perm.uid$offset());
        m.put("ipc_perm.gid", ipc_perm.gid$offset());
        m.put("ipc_perm.cuid", ipc_perm.cuid$offset());
        m.put("ipc_perm.cgid", ipc_perm.cgid$offset());
        m.put("ipc_perm.mode", ipc_perm.mode$offset());
        m.put("ipc_perm.__seq", ipc_perm.__seq$offset());

        m.put("mq_attr", mq_attr.sizeof());
        m.put("mq_attr.mq_flags", mq_attr.mq_flags$offset());
        m.put("mq_attr.mq_maxmsg", mq_attr.mq_maxmsg$offset());
        m.put("mq_attr.mq_msgsize", mq_attr.mq_msgsize$offset());
        m.put("mq_attr.mq_curmsgs", mq_attr.mq_curmsgs$offset());

        m.put("msghdr", msghdr.sizeof());
        m.put("msghdr.msg_name", msghdr.msg_name$offset());
        m.put("msghdr.msg_namelen", msghdr.msg_namelen$offset());
        m.put("msghdr.msg_iov", msghdr.msg_iov$offset());
        m.put("msghdr.msg_iovlen", msghdr.msg_iovlen$offset());
        m.put("msghdr.msg_control", msghdr.msg_control$offset());
        m.put("msghdr.msg_controllen", msghdr.msg_controllen$offset());
        m.put("msghdr.msg_flags", msghdr.msg_flags$offset());

        m.put("msqid_ds", msqid_ds.sizeof());
        m.put("msqid_ds.msg_perm", msqid_ds.msg_perm$offset());
        m.put("msqid_ds.msg_stime", msqid_ds.msg_stime$offset());
        m.put("msqid_ds.msg_rtime", msqid_ds.msg_rtime$offset());
        m.put("msqid_ds.msg_ctime", msqid_ds.msg_ctime$offset());
        m.put("msqid_ds.__msg_cbytes", msqid_ds.__msg_cbytes$offset());
        m.put("msqid_ds.msg_qnum", msqid_ds.msg_qnum$offset());
        m.put("msqid_ds.msg_qbytes", msqid_ds.msg_qbytes$offset());
        m.put("msqid_ds.msg_lspid", msqid_ds.msg_lspid$offset());
        m.put("msqid_ds.msg_lrpid", msqid_ds.msg_lrpid$offset());

        m.put("pollfd", pollfd.sizeof());
        m.put("pollfd.fd", pollfd.fd$offset());
        m.put("pollfd.events", pollfd.events$offset());
        m.put("pollfd.revents", pollfd.revents$offset());

        m.put("posix_spawn_file_actions_t", posix_spawn_file_actions_t.sizeof());
        m.put("posix_spawnattr_t", posix_spawnattr_t.sizeof());
        m.put("pthread_cond_t", pthread_cond_t.sizeof());
        m.put("pthread_condattr_t", pthread_condattr_t.sizeof());
        m.put("pthread_mutex_t", pthread_mutex_t.sizeof());
        m.put("pthread_mutex_t.__data.__lock", pthread_mutex_t.__data$offset() + __pthread_mutex_s.__lock$offset());
        m.put("pthread_mutex_t.__data.__owner", pthread_mutex_t.__data$offset() + __pthread_mutex_s.__owner$offset());
        m.put("pthread_mutex_t.__data.__kind", pthread_mutex_t.__data$offset() + __pthread_mutex_s.__kind$offset());
        m.put("pthread_mutexattr_t", pthread_mutexattr_t.sizeof());

        m.put("rlimit", rlimit.sizeof());
        m.put("rlimit.rlim_cur", rlimit.rlim_cur$offset());
        m.put("rlimit.rlim_max", rlimit.rlim_max$offset());

        m.put("sem_t", sem_t.sizeof());

        m.put("sembuf", sembuf.sizeof());
        m.put("sembuf.sem_num", sembuf.sem_num$offset());
        m.put("sembuf.sem_op", sembuf.sem_op$offset());
        m.put("sembuf.sem_flg", sembuf.sem_flg$offset());

        m.put("semid_ds", semid_ds.sizeof());
        m.put("semid_ds.sem_perm", semid_ds.sem_perm$offset());
        m.put("semid_ds.sem_otime", semid_ds.sem_otime$offset());
        m.put("semid_ds.sem_ctime", semid_ds.sem_ctime$offset());
        m.put("semid_ds.sem_nsems", semid_ds.sem_nsems$offset());

        m.put("shmid_ds", shmid_ds.sizeof());
        m.put("shmid_ds.shm_perm", shmid_ds.shm_perm$offset());
        m.put("shmid_ds.shm_segsz", shmid_ds.shm_segsz$offset());
        m.put("shmid_ds.shm_atime", shmid_ds.shm_atime$offset());
        m.put("shmid_ds.shm_dtime", shmid_ds.shm_dtime$offset());
        m.put("shmid_ds.shm_ctime", shmid_ds.shm_ctime$offset());
        m.put("shmid_ds.shm_cpid", shmid_ds.shm_cpid$offset());
        m.put("shmid_ds.shm_lpid", shmid_ds.shm_lpid$offset());
        m.put("shmid_ds.shm_nattch", shmid_ds.shm_nattch$offset());

        m.put("sigaction", sigaction.sizeof());
        m.put("sigaction.sa_handler", at(sigaction.layout(), "__sigaction_handler.sa_handler"));
        m.put("sigaction.sa_sigaction", at(sigaction.layout(), "__sigaction_handler.sa_sigaction"));
        m.put("sigaction.sa_mask", sigaction.sa_mask$offset());
        m.put("sigaction.sa_flags", sigaction.sa_flags$offset());
        m.put("sigaction.sa_restorer", sigaction.sa_restorer$offset());

        m.put("sigevent", sigevent.sizeof());
        m.put("sigevent.sigev_value", sigevent.sigev_value$offset());
        m.put("sigevent.sigev_signo", sigevent.sigev_signo$offset());
        m.put("sigevent.sigev_notify", sigevent.sigev_notify$offset());
        m.put("sigevent.sigev_notify_function", at(sigevent.layout(), "_sigev_un._sigev_thread._function"));
        m.put("sigevent.sigev_notify_attributes", at(sigevent.layout(), "_sigev_un._sigev_thread._attribute"));
        m.put("sigevent._sigev_un._tid", at(sigevent.layout(), "_sigev_un._tid"));

        m.put("siginfo_t", siginfo_t.sizeof());
        m.put("siginfo_t.si_signo", siginfo_t.si_signo$offset());
        m.put("siginfo_t.si_errno", siginfo_t.si_errno$offset());
        m.put("siginfo_t.si_code", siginfo_t.si_code$offset());
        // The paths are glibc's macro expansions (bits/types/siginfo_t.h).
        m.put("siginfo_t.si_pid", at(siginfo_t.layout(), "_sifields._kill.si_pid"));
        m.put("siginfo_t.si_uid", at(siginfo_t.layout(), "_sifields._kill.si_uid"));
        m.put("siginfo_t.si_timerid", at(siginfo_t.layout(), "_sifields._timer.si_tid"));
        m.put("siginfo_t.si_overrun", at(siginfo_t.layout(), "_sifields._timer.si_overrun"));
        m.put("siginfo_t.si_status", at(siginfo_t.layout(), "_sifields._sigchld.si_status"));
        m.put("siginfo_t.si_utime", at(siginfo_t.layout(), "_sifields._sigchld.si_utime"));
        m.put("siginfo_t.si_stime", at(siginfo_t.layout(), "_sifields._sigchld.si_stime"));
        m.put("siginfo_t.si_value", at(siginfo_t.layout(), "_sifields._rt.si_sigval"));
        m.put("siginfo_t.si_int", at(siginfo_t.layout(), "_sifields._rt.si_sigval.sival_int"));
        m.put("siginfo_t.si_ptr", at(siginfo_t.layout(), "_sifields._rt.si_sigval.sival_ptr"));
        m.put("siginfo_t.si_addr", at(siginfo_t.layout(), "_sifields._sigfault.si_addr"));
        m.put("siginfo_t.si_band", at(siginfo_t.layout(), "_sifields._sigpoll.si_band"));
        m.put("siginfo_t.si_fd", at(siginfo_t.layout(), "_sifields._sigpoll.si_fd"));

        m.put("signalfd_siginfo", signalfd_siginfo.sizeof());
        m.put("signalfd_siginfo.ssi_signo", signalfd_siginfo.ssi_signo$offset());
        m.put("signalfd_siginfo.ssi_errno", signalfd_siginfo.ssi_errno$offset());
        m.put("signalfd_siginfo.ssi_code", signalfd_siginfo.ssi_code$offset());
        m.put("signalfd_siginfo.ssi_pid", signalfd_siginfo.ssi_pid$offset());
        m.put("signalfd_siginfo.ssi_uid", signalfd_siginfo.ssi_uid$offset());
        m.put("signalfd_siginfo.ssi_fd", signalfd_siginfo.ssi_fd$offset());
        m.put("signalfd_siginfo.ssi_tid", signalfd_siginfo.ssi_tid$offset());
        m.put("signalfd_siginfo.ssi_band", signalfd_siginfo.ssi_band$offset());
        m.put("signalfd_siginfo.ssi_overrun", signalfd_siginfo.ssi_overrun$offset());
        m.put("signalfd_siginfo.ssi_trapno", signalfd_siginfo.ssi_trapno$offset());
        m.put("signalfd_siginfo.ssi_status", signalfd_siginfo.ssi_status$offset());
        m.put("signalfd_siginfo.ssi_int", signalfd_siginfo.ssi_int$offset());
        m.put("signalfd_siginfo.ssi_ptr", signalfd_siginfo.ssi_ptr$offset());
        m.put("signalfd_siginfo.ssi_utime", signalfd_siginfo.ssi_utime$offset());
        m.put("signalfd_siginfo.ssi_stime", signalfd_siginfo.ssi_stime$offset());
        m.put("signalfd_siginfo.ssi_addr", signalfd_siginfo.ssi_addr$offset());
        m.put("signalfd_siginfo.ssi_addr_lsb", signalfd_siginfo.ssi_addr_lsb$offset());
        m.put("signalfd_siginfo.ssi_syscall", signalfd_siginfo.ssi_syscall$offset());
        m.put("signalfd_siginfo.ssi_call_addr", signalfd_siginfo.ssi_call_addr$offset());
        m.put("signalfd_siginfo.ssi_arch", signalfd_siginfo.ssi_arch$offset());

        m.put("sigset_t", sigset_t.sizeof());
        m.put("sigval", sigval.sizeof());

        m.put("sockaddr", sockaddr.sizeof());
        m.put("sockaddr.sa_family", sockaddr.sa_family$offset());
        m.put("sockaddr.sa_data", sockaddr.sa_data$offset());

        m.put("sockaddr_un", sockaddr_un.sizeof());
        m.put("sockaddr_un.sun_family", sockaddr_un.sun_family$offset());
        m.put("sockaddr_un.sun_path", sockaddr_un.sun_path$offset());

        m.put("stat", stat.sizeof());
        m.put("stat.st_dev", stat.st_dev$offset());
        m.put("stat.st_ino", stat.st_ino$offset());
        m.put("stat.st_nlink", stat.st_nlink$offset());
        m.put("stat.st_mode", stat.st_mode$offset());
        m.put("stat.st_uid", stat.st_uid$offset());
        m.put("stat.st_gid", stat.st_gid$offset());
        m.put("stat.st_rdev", stat.st_rdev$offset());
        m.put("stat.st_size", stat.st_size$offset());
        m.put("stat.st_blksize", stat.st_blksize$offset());
        m.put("stat.st_blocks", stat.st_blocks$offset());
        m.put("stat.st_atim", stat.st_atim$offset());
        m.put("stat.st_mtim", stat.st_mtim$offset());
        m.put("stat.st_ctim", stat.st_ctim$offset());

        m.put("timespec", timespec.sizeof());
        m.put("timespec.tv_sec", timespec.tv_sec$offset());
        m.put("timespec.tv_nsec", timespec.tv_nsec$offset());

        m.put("ucred", ucred.sizeof());
        m.put("ucred.pid", ucred.pid$offset());
        m.put("ucred.uid", ucred.uid$offset());
        m.put("ucred.gid", ucred.gid$offset());
        return m;
    }

    /** The offset of a nested member, written as C writes it: {@code "_sifields._kill.si_pid"}. */
    private static long at(MemoryLayout layout, String path) {
        PathElement[] elements = Arrays.stream(path.split("\\."))
                .map(PathElement::groupElement)
                .toArray(PathElement[]::new);
        return layout.byteOffset(elements);
    }
}

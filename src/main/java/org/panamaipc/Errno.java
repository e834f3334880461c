package org.panamaipc;

/**
 * The error numbers of Linux on x86_64, with their symbolic names and the C library's
 * message for each ({@code strerror}).
 *
 * <p>An {@link Errno} prints as {@code ENOENT (No such file or directory)}. Aliases the C
 * headers define for the same number ({@code EWOULDBLOCK}, {@code EDEADLOCK},
 * {@code ENOTSUP}) are not separate constants: {@link #of(int)} returns the canonical
 * one ({@link #EAGAIN}, {@link #EDEADLK}, {@link #EOPNOTSUPP}).
 *
 * @see <a href="https://man7.org/linux/man-pages/man3/errno.3.html">errno(3)</a>
 */
public enum Errno {
    /** Operation not permitted ({@code EPERM} = 1). */
    EPERM(1, "Operation not permitted"),
    /** No such file or directory ({@code ENOENT} = 2). */
    ENOENT(2, "No such file or directory"),
    /** No such process ({@code ESRCH} = 3). */
    ESRCH(3, "No such process"),
    /** Interrupted system call ({@code EINTR} = 4). */
    EINTR(4, "Interrupted system call"),
    /** Input/output error ({@code EIO} = 5). */
    EIO(5, "Input/output error"),
    /** No such device or address ({@code ENXIO} = 6). */
    ENXIO(6, "No such device or address"),
    /** Argument list too long ({@code E2BIG} = 7). */
    E2BIG(7, "Argument list too long"),
    /** Exec format error ({@code ENOEXEC} = 8). */
    ENOEXEC(8, "Exec format error"),
    /** Bad file descriptor ({@code EBADF} = 9). */
    EBADF(9, "Bad file descriptor"),
    /** No child processes ({@code ECHILD} = 10). */
    ECHILD(10, "No child processes"),
    /** Resource temporarily unavailable ({@code EAGAIN} = 11). */
    EAGAIN(11, "Resource temporarily unavailable"),
    /** Cannot allocate memory ({@code ENOMEM} = 12). */
    ENOMEM(12, "Cannot allocate memory"),
    /** Permission denied ({@code EACCES} = 13). */
    EACCES(13, "Permission denied"),
    /** Bad address ({@code EFAULT} = 14). */
    EFAULT(14, "Bad address"),
    /** Block device required ({@code ENOTBLK} = 15). */
    ENOTBLK(15, "Block device required"),
    /** Device or resource busy ({@code EBUSY} = 16). */
    EBUSY(16, "Device or resource busy"),
    /** File exists ({@code EEXIST} = 17). */
    EEXIST(17, "File exists"),
    /** Invalid cross-device link ({@code EXDEV} = 18). */
    EXDEV(18, "Invalid cross-device link"),
    /** No such device ({@code ENODEV} = 19). */
    ENODEV(19, "No such device"),
    /** Not a directory ({@code ENOTDIR} = 20). */
    ENOTDIR(20, "Not a directory"),
    /** Is a directory ({@code EISDIR} = 21). */
    EISDIR(21, "Is a directory"),
    /** Invalid argument ({@code EINVAL} = 22). */
    EINVAL(22, "Invalid argument"),
    /** Too many open files in system ({@code ENFILE} = 23). */
    ENFILE(23, "Too many open files in system"),
    /** Too many open files ({@code EMFILE} = 24). */
    EMFILE(24, "Too many open files"),
    /** Inappropriate ioctl for device ({@code ENOTTY} = 25). */
    ENOTTY(25, "Inappropriate ioctl for device"),
    /** Text file busy ({@code ETXTBSY} = 26). */
    ETXTBSY(26, "Text file busy"),
    /** File too large ({@code EFBIG} = 27). */
    EFBIG(27, "File too large"),
    /** No space left on device ({@code ENOSPC} = 28). */
    ENOSPC(28, "No space left on device"),
    /** Illegal seek ({@code ESPIPE} = 29). */
    ESPIPE(29, "Illegal seek"),
    /** Read-only file system ({@code EROFS} = 30). */
    EROFS(30, "Read-only file system"),
    /** Too many links ({@code EMLINK} = 31). */
    EMLINK(31, "Too many links"),
    /** Broken pipe ({@code EPIPE} = 32). */
    EPIPE(32, "Broken pipe"),
    /** Numerical argument out of domain ({@code EDOM} = 33). */
    EDOM(33, "Numerical argument out of domain"),
    /** Numerical result out of range ({@code ERANGE} = 34). */
    ERANGE(34, "Numerical result out of range"),
    /** Resource deadlock avoided ({@code EDEADLK} = 35). */
    EDEADLK(35, "Resource deadlock avoided"),
    /** File name too long ({@code ENAMETOOLONG} = 36). */
    ENAMETOOLONG(36, "File name too long"),
    /** No locks available ({@code ENOLCK} = 37). */
    ENOLCK(37, "No locks available"),
    /** Function not implemented ({@code ENOSYS} = 38). */
    ENOSYS(38, "Function not implemented"),
    /** Directory not empty ({@code ENOTEMPTY} = 39). */
    ENOTEMPTY(39, "Directory not empty"),
    /** Too many levels of symbolic links ({@code ELOOP} = 40). */
    ELOOP(40, "Too many levels of symbolic links"),
    /** No message of desired type ({@code ENOMSG} = 42). */
    ENOMSG(42, "No message of desired type"),
    /** Identifier removed ({@code EIDRM} = 43). */
    EIDRM(43, "Identifier removed"),
    /** Channel number out of range ({@code ECHRNG} = 44). */
    ECHRNG(44, "Channel number out of range"),
    /** Level 2 not synchronized ({@code EL2NSYNC} = 45). */
    EL2NSYNC(45, "Level 2 not synchronized"),
    /** Level 3 halted ({@code EL3HLT} = 46). */
    EL3HLT(46, "Level 3 halted"),
    /** Level 3 reset ({@code EL3RST} = 47). */
    EL3RST(47, "Level 3 reset"),
    /** Link number out of range ({@code ELNRNG} = 48). */
    ELNRNG(48, "Link number out of range"),
    /** Protocol driver not attached ({@code EUNATCH} = 49). */
    EUNATCH(49, "Protocol driver not attached"),
    /** No CSI structure available ({@code ENOCSI} = 50). */
    ENOCSI(50, "No CSI structure available"),
    /** Level 2 halted ({@code EL2HLT} = 51). */
    EL2HLT(51, "Level 2 halted"),
    /** Invalid exchange ({@code EBADE} = 52). */
    EBADE(52, "Invalid exchange"),
    /** Invalid request descriptor ({@code EBADR} = 53). */
    EBADR(53, "Invalid request descriptor"),
    /** Exchange full ({@code EXFULL} = 54). */
    EXFULL(54, "Exchange full"),
    /** No anode ({@code ENOANO} = 55). */
    ENOANO(55, "No anode"),
    /** Invalid request code ({@code EBADRQC} = 56). */
    EBADRQC(56, "Invalid request code"),
    /** Invalid slot ({@code EBADSLT} = 57). */
    EBADSLT(57, "Invalid slot"),
    /** Bad font file format ({@code EBFONT} = 59). */
    EBFONT(59, "Bad font file format"),
    /** Device not a stream ({@code ENOSTR} = 60). */
    ENOSTR(60, "Device not a stream"),
    /** No data available ({@code ENODATA} = 61). */
    ENODATA(61, "No data available"),
    /** Timer expired ({@code ETIME} = 62). */
    ETIME(62, "Timer expired"),
    /** Out of streams resources ({@code ENOSR} = 63). */
    ENOSR(63, "Out of streams resources"),
    /** Machine is not on the network ({@code ENONET} = 64). */
    ENONET(64, "Machine is not on the network"),
    /** Package not installed ({@code ENOPKG} = 65). */
    ENOPKG(65, "Package not installed"),
    /** Object is remote ({@code EREMOTE} = 66). */
    EREMOTE(66, "Object is remote"),
    /** Link has been severed ({@code ENOLINK} = 67). */
    ENOLINK(67, "Link has been severed"),
    /** Advertise error ({@code EADV} = 68). */
    EADV(68, "Advertise error"),
    /** Srmount error ({@code ESRMNT} = 69). */
    ESRMNT(69, "Srmount error"),
    /** Communication error on send ({@code ECOMM} = 70). */
    ECOMM(70, "Communication error on send"),
    /** Protocol error ({@code EPROTO} = 71). */
    EPROTO(71, "Protocol error"),
    /** Multihop attempted ({@code EMULTIHOP} = 72). */
    EMULTIHOP(72, "Multihop attempted"),
    /** RFS specific error ({@code EDOTDOT} = 73). */
    EDOTDOT(73, "RFS specific error"),
    /** Bad message ({@code EBADMSG} = 74). */
    EBADMSG(74, "Bad message"),
    /** Value too large for defined data type ({@code EOVERFLOW} = 75). */
    EOVERFLOW(75, "Value too large for defined data type"),
    /** Name not unique on network ({@code ENOTUNIQ} = 76). */
    ENOTUNIQ(76, "Name not unique on network"),
    /** File descriptor in bad state ({@code EBADFD} = 77). */
    EBADFD(77, "File descriptor in bad state"),
    /** Remote address changed ({@code EREMCHG} = 78). */
    EREMCHG(78, "Remote address changed"),
    /** Can not access a needed shared library ({@code ELIBACC} = 79). */
    ELIBACC(79, "Can not access a needed shared library"),
    /** Accessing a corrupted shared library ({@code ELIBBAD} = 80). */
    ELIBBAD(80, "Accessing a corrupted shared library"),
    /** .lib section in a.out corrupted ({@code ELIBSCN} = 81). */
    ELIBSCN(81, ".lib section in a.out corrupted"),
    /** Attempting to link in too many shared libraries ({@code ELIBMAX} = 82). */
    ELIBMAX(82, "Attempting to link in too many shared libraries"),
    /** Cannot exec a shared library directly ({@code ELIBEXEC} = 83). */
    ELIBEXEC(83, "Cannot exec a shared library directly"),
    /** Invalid or incomplete multibyte or wide character ({@code EILSEQ} = 84). */
    EILSEQ(84, "Invalid or incomplete multibyte or wide character"),
    /** Interrupted system call should be restarted ({@code ERESTART} = 85). */
    ERESTART(85, "Interrupted system call should be restarted"),
    /** Streams pipe error ({@code ESTRPIPE} = 86). */
    ESTRPIPE(86, "Streams pipe error"),
    /** Too many users ({@code EUSERS} = 87). */
    EUSERS(87, "Too many users"),
    /** Socket operation on non-socket ({@code ENOTSOCK} = 88). */
    ENOTSOCK(88, "Socket operation on non-socket"),
    /** Destination address required ({@code EDESTADDRREQ} = 89). */
    EDESTADDRREQ(89, "Destination address required"),
    /** Message too long ({@code EMSGSIZE} = 90). */
    EMSGSIZE(90, "Message too long"),
    /** Protocol wrong type for socket ({@code EPROTOTYPE} = 91). */
    EPROTOTYPE(91, "Protocol wrong type for socket"),
    /** Protocol not available ({@code ENOPROTOOPT} = 92). */
    ENOPROTOOPT(92, "Protocol not available"),
    /** Protocol not supported ({@code EPROTONOSUPPORT} = 93). */
    EPROTONOSUPPORT(93, "Protocol not supported"),
    /** Socket type not supported ({@code ESOCKTNOSUPPORT} = 94). */
    ESOCKTNOSUPPORT(94, "Socket type not supported"),
    /** Operation not supported ({@code EOPNOTSUPP} = 95). */
    EOPNOTSUPP(95, "Operation not supported"),
    /** Protocol family not supported ({@code EPFNOSUPPORT} = 96). */
    EPFNOSUPPORT(96, "Protocol family not supported"),
    /** Address family not supported by protocol ({@code EAFNOSUPPORT} = 97). */
    EAFNOSUPPORT(97, "Address family not supported by protocol"),
    /** Address already in use ({@code EADDRINUSE} = 98). */
    EADDRINUSE(98, "Address already in use"),
    /** Cannot assign requested address ({@code EADDRNOTAVAIL} = 99). */
    EADDRNOTAVAIL(99, "Cannot assign requested address"),
    /** Network is down ({@code ENETDOWN} = 100). */
    ENETDOWN(100, "Network is down"),
    /** Network is unreachable ({@code ENETUNREACH} = 101). */
    ENETUNREACH(101, "Network is unreachable"),
    /** Network dropped connection on reset ({@code ENETRESET} = 102). */
    ENETRESET(102, "Network dropped connection on reset"),
    /** Software caused connection abort ({@code ECONNABORTED} = 103). */
    ECONNABORTED(103, "Software caused connection abort"),
    /** Connection reset by peer ({@code ECONNRESET} = 104). */
    ECONNRESET(104, "Connection reset by peer"),
    /** No buffer space available ({@code ENOBUFS} = 105). */
    ENOBUFS(105, "No buffer space available"),
    /** Transport endpoint is already connected ({@code EISCONN} = 106). */
    EISCONN(106, "Transport endpoint is already connected"),
    /** Transport endpoint is not connected ({@code ENOTCONN} = 107). */
    ENOTCONN(107, "Transport endpoint is not connected"),
    /** Cannot send after transport endpoint shutdown ({@code ESHUTDOWN} = 108). */
    ESHUTDOWN(108, "Cannot send after transport endpoint shutdown"),
    /** Too many references: cannot splice ({@code ETOOMANYREFS} = 109). */
    ETOOMANYREFS(109, "Too many references: cannot splice"),
    /** Connection timed out ({@code ETIMEDOUT} = 110). */
    ETIMEDOUT(110, "Connection timed out"),
    /** Connection refused ({@code ECONNREFUSED} = 111). */
    ECONNREFUSED(111, "Connection refused"),
    /** Host is down ({@code EHOSTDOWN} = 112). */
    EHOSTDOWN(112, "Host is down"),
    /** No route to host ({@code EHOSTUNREACH} = 113). */
    EHOSTUNREACH(113, "No route to host"),
    /** Operation already in progress ({@code EALREADY} = 114). */
    EALREADY(114, "Operation already in progress"),
    /** Operation now in progress ({@code EINPROGRESS} = 115). */
    EINPROGRESS(115, "Operation now in progress"),
    /** Stale file handle ({@code ESTALE} = 116). */
    ESTALE(116, "Stale file handle"),
    /** Structure needs cleaning ({@code EUCLEAN} = 117). */
    EUCLEAN(117, "Structure needs cleaning"),
    /** Not a XENIX named type file ({@code ENOTNAM} = 118). */
    ENOTNAM(118, "Not a XENIX named type file"),
    /** No XENIX semaphores available ({@code ENAVAIL} = 119). */
    ENAVAIL(119, "No XENIX semaphores available"),
    /** Is a named type file ({@code EISNAM} = 120). */
    EISNAM(120, "Is a named type file"),
    /** Remote I/O error ({@code EREMOTEIO} = 121). */
    EREMOTEIO(121, "Remote I/O error"),
    /** Disk quota exceeded ({@code EDQUOT} = 122). */
    EDQUOT(122, "Disk quota exceeded"),
    /** No medium found ({@code ENOMEDIUM} = 123). */
    ENOMEDIUM(123, "No medium found"),
    /** Wrong medium type ({@code EMEDIUMTYPE} = 124). */
    EMEDIUMTYPE(124, "Wrong medium type"),
    /** Operation canceled ({@code ECANCELED} = 125). */
    ECANCELED(125, "Operation canceled"),
    /** Required key not available ({@code ENOKEY} = 126). */
    ENOKEY(126, "Required key not available"),
    /** Key has expired ({@code EKEYEXPIRED} = 127). */
    EKEYEXPIRED(127, "Key has expired"),
    /** Key has been revoked ({@code EKEYREVOKED} = 128). */
    EKEYREVOKED(128, "Key has been revoked"),
    /** Key was rejected by service ({@code EKEYREJECTED} = 129). */
    EKEYREJECTED(129, "Key was rejected by service"),
    /** Owner died ({@code EOWNERDEAD} = 130). */
    EOWNERDEAD(130, "Owner died"),
    /** State not recoverable ({@code ENOTRECOVERABLE} = 131). */
    ENOTRECOVERABLE(131, "State not recoverable"),
    /** Operation not possible due to RF-kill ({@code ERFKILL} = 132). */
    ERFKILL(132, "Operation not possible due to RF-kill"),
    /** Memory page has hardware error ({@code EHWPOISON} = 133). */
    EHWPOISON(133, "Memory page has hardware error");

    private static final Errno[] BY_NUMBER = new Errno[134];

    static {
        for (Errno e : values()) {
            BY_NUMBER[e.number] = e;
        }
    }

    private final int number;
    private final String message;

    Errno(int number, String message) {
        this.number = number;
        this.message = message;
    }

    /**
     * Returns the constant for an error number.
     *
     * @param number the value of {@code errno}
     * @return the constant, or {@code null} when this kernel defines no such number
     */
    public static Errno of(int number) {
        return number > 0 && number < BY_NUMBER.length ? BY_NUMBER[number] : null;
    }

    /**
     * Describes an error number the way exceptions of this library do: the symbolic
     * name and message, or {@code errno=N} for a number this kernel does not define.
     *
     * @param number the value of {@code errno}
     * @return for example {@code "ENOENT (No such file or directory)"}
     */
    public static String describe(int number) {
        Errno e = of(number);
        return e != null ? e.toString() : "errno=" + number;
    }

    /** {@return the number, as the kernel returns it} */
    public int number() {
        return number;
    }

    /** {@return the C library's message for this error, as {@code strerror} gives it} */
    public String message() {
        return message;
    }

    /** {@return the symbolic name and message, e.g. {@code ENOENT (No such file or directory)}} */
    @Override
    public String toString() {
        return name() + " (" + message + ")";
    }
}

/* Sizes and field offsets of the C structures panama-ipc reads and writes, as this
   machine's C compiler lays them out. StructLayoutTest compares the generated bindings
   against layouts.expected (this program's committed output) and, when gcc is present,
   compiles and runs this program to check that the committed file is still true here.

   Output: "name size" for a type, "name.field offset" for a field. Fields that glibc
   defines as macros over nested unions (si_pid, sa_handler, sigev_notify_function...)
   are resolved the way C code sees them. Built with the same feature macro as the
   jextract shim (jextract/shim.h). */
#define _GNU_SOURCE 1
#include <stddef.h>
#include <stdio.h>
#include <mqueue.h>
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <spawn.h>
#include <time.h>
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/resource.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>

#define SIZE(name, type) printf("%s %zu\n", name, sizeof(type))
#define OFF(name, type, field) printf("%s.%s %zu\n", name, #field, offsetof(type, field))

int main(void) {
    SIZE("cmsghdr", struct cmsghdr);
    OFF("cmsghdr", struct cmsghdr, cmsg_len);
    OFF("cmsghdr", struct cmsghdr, cmsg_level);
    OFF("cmsghdr", struct cmsghdr, cmsg_type);
    OFF("cmsghdr", struct cmsghdr, __cmsg_data);

    SIZE("epoll_data", epoll_data_t);
    SIZE("epoll_event", struct epoll_event);
    OFF("epoll_event", struct epoll_event, events);
    OFF("epoll_event", struct epoll_event, data);

    SIZE("flock", struct flock);
    OFF("flock", struct flock, l_type);
    OFF("flock", struct flock, l_whence);
    OFF("flock", struct flock, l_start);
    OFF("flock", struct flock, l_len);
    OFF("flock", struct flock, l_pid);

    SIZE("iovec", struct iovec);
    OFF("iovec", struct iovec, iov_base);
    OFF("iovec", struct iovec, iov_len);

    SIZE("ipc_perm", struct ipc_perm);
    OFF("ipc_perm", struct ipc_perm, __key);
    OFF("ipc_perm", struct ipc_perm, uid);
    OFF("ipc_perm", struct ipc_perm, gid);
    OFF("ipc_perm", struct ipc_perm, cuid);
    OFF("ipc_perm", struct ipc_perm, cgid);
    OFF("ipc_perm", struct ipc_perm, mode);
    OFF("ipc_perm", struct ipc_perm, __seq);

    SIZE("mq_attr", struct mq_attr);
    OFF("mq_attr", struct mq_attr, mq_flags);
    OFF("mq_attr", struct mq_attr, mq_maxmsg);
    OFF("mq_attr", struct mq_attr, mq_msgsize);
    OFF("mq_attr", struct mq_attr, mq_curmsgs);

    SIZE("msghdr", struct msghdr);
    OFF("msghdr", struct msghdr, msg_name);
    OFF("msghdr", struct msghdr, msg_namelen);
    OFF("msghdr", struct msghdr, msg_iov);
    OFF("msghdr", struct msghdr, msg_iovlen);
    OFF("msghdr", struct msghdr, msg_control);
    OFF("msghdr", struct msghdr, msg_controllen);
    OFF("msghdr", struct msghdr, msg_flags);

    SIZE("msqid_ds", struct msqid_ds);
    OFF("msqid_ds", struct msqid_ds, msg_perm);
    OFF("msqid_ds", struct msqid_ds, msg_stime);
    OFF("msqid_ds", struct msqid_ds, msg_rtime);
    OFF("msqid_ds", struct msqid_ds, msg_ctime);
    OFF("msqid_ds", struct msqid_ds, __msg_cbytes);
    OFF("msqid_ds", struct msqid_ds, msg_qnum);
    OFF("msqid_ds", struct msqid_ds, msg_qbytes);
    OFF("msqid_ds", struct msqid_ds, msg_lspid);
    OFF("msqid_ds", struct msqid_ds, msg_lrpid);

    SIZE("pollfd", struct pollfd);
    OFF("pollfd", struct pollfd, fd);
    OFF("pollfd", struct pollfd, events);
    OFF("pollfd", struct pollfd, revents);

    SIZE("posix_spawn_file_actions_t", posix_spawn_file_actions_t);
    SIZE("posix_spawnattr_t", posix_spawnattr_t);
    SIZE("pthread_cond_t", pthread_cond_t);
    SIZE("pthread_condattr_t", pthread_condattr_t);
    SIZE("pthread_mutex_t", pthread_mutex_t);
    OFF("pthread_mutex_t", pthread_mutex_t, __data.__lock);
    OFF("pthread_mutex_t", pthread_mutex_t, __data.__owner);
    OFF("pthread_mutex_t", pthread_mutex_t, __data.__kind);
    SIZE("pthread_mutexattr_t", pthread_mutexattr_t);

    SIZE("rlimit", struct rlimit);
    OFF("rlimit", struct rlimit, rlim_cur);
    OFF("rlimit", struct rlimit, rlim_max);

    SIZE("sem_t", sem_t);

    SIZE("sembuf", struct sembuf);
    OFF("sembuf", struct sembuf, sem_num);
    OFF("sembuf", struct sembuf, sem_op);
    OFF("sembuf", struct sembuf, sem_flg);

    SIZE("semid_ds", struct semid_ds);
    OFF("semid_ds", struct semid_ds, sem_perm);
    OFF("semid_ds", struct semid_ds, sem_otime);
    OFF("semid_ds", struct semid_ds, sem_ctime);
    OFF("semid_ds", struct semid_ds, sem_nsems);

    SIZE("shmid_ds", struct shmid_ds);
    OFF("shmid_ds", struct shmid_ds, shm_perm);
    OFF("shmid_ds", struct shmid_ds, shm_segsz);
    OFF("shmid_ds", struct shmid_ds, shm_atime);
    OFF("shmid_ds", struct shmid_ds, shm_dtime);
    OFF("shmid_ds", struct shmid_ds, shm_ctime);
    OFF("shmid_ds", struct shmid_ds, shm_cpid);
    OFF("shmid_ds", struct shmid_ds, shm_lpid);
    OFF("shmid_ds", struct shmid_ds, shm_nattch);

    SIZE("sigaction", struct sigaction);
    OFF("sigaction", struct sigaction, sa_handler);
    OFF("sigaction", struct sigaction, sa_sigaction);
    OFF("sigaction", struct sigaction, sa_mask);
    OFF("sigaction", struct sigaction, sa_flags);
    OFF("sigaction", struct sigaction, sa_restorer);

    SIZE("sigevent", struct sigevent);
    OFF("sigevent", struct sigevent, sigev_value);
    OFF("sigevent", struct sigevent, sigev_signo);
    OFF("sigevent", struct sigevent, sigev_notify);
    OFF("sigevent", struct sigevent, sigev_notify_function);
    OFF("sigevent", struct sigevent, sigev_notify_attributes);
    OFF("sigevent", struct sigevent, _sigev_un._tid);

    SIZE("siginfo_t", siginfo_t);
    OFF("siginfo_t", siginfo_t, si_signo);
    OFF("siginfo_t", siginfo_t, si_errno);
    OFF("siginfo_t", siginfo_t, si_code);
    OFF("siginfo_t", siginfo_t, si_pid);
    OFF("siginfo_t", siginfo_t, si_uid);
    OFF("siginfo_t", siginfo_t, si_timerid);
    OFF("siginfo_t", siginfo_t, si_overrun);
    OFF("siginfo_t", siginfo_t, si_status);
    OFF("siginfo_t", siginfo_t, si_utime);
    OFF("siginfo_t", siginfo_t, si_stime);
    OFF("siginfo_t", siginfo_t, si_value);
    OFF("siginfo_t", siginfo_t, si_int);
    OFF("siginfo_t", siginfo_t, si_ptr);
    OFF("siginfo_t", siginfo_t, si_addr);
    OFF("siginfo_t", siginfo_t, si_band);
    OFF("siginfo_t", siginfo_t, si_fd);

    SIZE("signalfd_siginfo", struct signalfd_siginfo);
    OFF("signalfd_siginfo", struct signalfd_siginfo, ssi_signo);
    OFF("signalfd_siginfo", struct signalfd_siginfo, ssi_errno);
    OFF("signalfd_siginfo", struct signalfd_siginfo, ssi_code);
    OFF("signalfd_siginfo", struct signalfd_siginfo, ssi_pid);
    OFF("signalfd_siginfo", struct signalfd_siginfo, ssi_uid);
    OFF("signalfd_siginfo", struct signalfd_siginfo, ssi_fd);
    OFF("signalfd_siginfo", struct signalfd_siginfo, ssi_tid);
    OFF("signalfd_siginfo", struct signalfd_siginfo, ssi_band);
    OFF("signalfd_siginfo", struct signalfd_siginfo, ssi_overrun);
    OFF("signalfd_siginfo", struct signalfd_siginfo, ssi_trapno);
    OFF("signalfd_siginfo", struct signalfd_siginfo, ssi_status);
    OFF("signalfd_siginfo", struct signalfd_siginfo, ssi_int);
    OFF("signalfd_siginfo", struct signalfd_siginfo, ssi_ptr);
    OFF("signalfd_siginfo", struct signalfd_siginfo, ssi_utime);
    OFF("signalfd_siginfo", struct signalfd_siginfo, ssi_stime);
    OFF("signalfd_siginfo", struct signalfd_siginfo, ssi_addr);
    OFF("signalfd_siginfo", struct signalfd_siginfo, ssi_addr_lsb);
    OFF("signalfd_siginfo", struct signalfd_siginfo, ssi_syscall);
    OFF("signalfd_siginfo", struct signalfd_siginfo, ssi_call_addr);
    OFF("signalfd_siginfo", struct signalfd_siginfo, ssi_arch);

    SIZE("sigset_t", sigset_t);
    SIZE("sigval", union sigval);

    SIZE("sockaddr", struct sockaddr);
    OFF("sockaddr", struct sockaddr, sa_family);
    OFF("sockaddr", struct sockaddr, sa_data);

    SIZE("sockaddr_un", struct sockaddr_un);
    OFF("sockaddr_un", struct sockaddr_un, sun_family);
    OFF("sockaddr_un", struct sockaddr_un, sun_path);

    SIZE("stat", struct stat);
    OFF("stat", struct stat, st_dev);
    OFF("stat", struct stat, st_ino);
    OFF("stat", struct stat, st_nlink);
    OFF("stat", struct stat, st_mode);
    OFF("stat", struct stat, st_uid);
    OFF("stat", struct stat, st_gid);
    OFF("stat", struct stat, st_rdev);
    OFF("stat", struct stat, st_size);
    OFF("stat", struct stat, st_blksize);
    OFF("stat", struct stat, st_blocks);
    OFF("stat", struct stat, st_atim);
    OFF("stat", struct stat, st_mtim);
    OFF("stat", struct stat, st_ctim);

    SIZE("timespec", struct timespec);
    OFF("timespec", struct timespec, tv_sec);
    OFF("timespec", struct timespec, tv_nsec);

    SIZE("ucred", struct ucred);
    OFF("ucred", struct ucred, pid);
    OFF("ucred", struct ucred, uid);
    OFF("ucred", struct ucred, gid);
    return 0;
}

/*
 * Fault injection for the chaos harness: an LD_PRELOAD library that makes fsync/fdatasync hang while a control
 * file exists — what a stalled disk (a saturated SD card, a hung NFS server, a dying SSD) looks like to a process:
 * only the threads that wait for durability block; sampling and networking threads keep running.
 *
 * SENSORSTREAM_FSYNC_STALL_FILE names the control file; without it the calls pass straight through.
 * Built by the harness with: cc -shared -fPIC -O2 -o libfsyncstall.so fsync_stall.c -ldl
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static void wait_while_stalled(void)
{
    const char *control = getenv("SENSORSTREAM_FSYNC_STALL_FILE");
    if (control == NULL) return;
    const struct timespec tick = {0, 5 * 1000 * 1000}; /* 5 ms: stall ends within a tick of the file's removal */
    while (access(control, F_OK) == 0) nanosleep(&tick, NULL);
}

int fsync(int fd)
{
    static int (*real)(int);
    if (real == NULL) real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
    wait_while_stalled();
    return real(fd);
}

int fdatasync(int fd)
{
    static int (*real)(int);
    if (real == NULL) real = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
    wait_while_stalled();
    return real(fd);
}

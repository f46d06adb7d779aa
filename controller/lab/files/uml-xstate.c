/* LD_PRELOAD for linux.uml: ptrace(PTRACE_{GET,SET}REGSET, NT_X86_XSTATE) with UML's fixed-size
   buffer fails (EFAULT) on hosts whose XSAVE area is bigger (AVX-512, AMX). Bounce through a
   full-size buffer: GET returns the leading part; SET merges UML's part into the task's state. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdarg.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/types.h>
#include <sys/uio.h>
#define NT_XSTATE 0x202
#define BIG 65536
typedef long (*ptrace_fn)(int, pid_t, void *, void *);
static __thread unsigned char bounce[BIG] __attribute__((aligned(64)));

long ptrace(enum __ptrace_request req, ...)
{
	static ptrace_fn real;
	va_list ap;
	va_start(ap, req);
	pid_t pid = va_arg(ap, pid_t);
	void *addr = va_arg(ap, void *);
	void *data = va_arg(ap, void *);
	va_end(ap);
	if (!real)
		real = (ptrace_fn)dlsym(RTLD_NEXT, "ptrace");
	if ((req == PTRACE_GETREGSET || req == PTRACE_SETREGSET) && (long)addr == NT_XSTATE && data) {
		struct iovec *iov = data, full = { bounce, BIG };
		long r = real(PTRACE_GETREGSET, pid, addr, &full);
		if (r < 0)
			return r;
		size_t n = iov->iov_len < full.iov_len ? iov->iov_len : full.iov_len;
		if (req == PTRACE_GETREGSET) {
			memcpy(iov->iov_base, bounce, n);
			iov->iov_len = n;
			return 0;
		}
		memcpy(bounce, iov->iov_base, n);
		return real(PTRACE_SETREGSET, pid, addr, &full);
	}
	return real(req, pid, addr, data);
}

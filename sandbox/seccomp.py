"""A seccomp filter the job installs on itself before its code runs: no tracing, no new namespaces.

Why: in the Docker backend the job is a fork of the fork server and runs under the same uid, so
without this (and without the server being non-dumpable) it could `ptrace` the server, or write
its memory with `process_vm_writev`, and forge the outcome the host reads. In the local backend
the same filter keeps a job from tracing the sandbox's own helper processes or creating user
namespaces (kernel attack surface the Docker default profile also closes). The filter stacks on
whatever profile is already in force (Docker's default one, say): it only ever removes calls.

Denied with EPERM: ptrace, process_vm_readv/writev, kcmp, pidfd_getfd, unshare, setns, and clone
with any namespace flag; clone3 fails with ENOSYS (its flags sit behind a pointer a filter cannot
read, and the C library then falls back to clone); system calls of a foreign ABI (32-bit calls
on x86-64, x32) fail with EPERM so the numbers below cannot be sidestepped. Standard library only.
"""

from __future__ import annotations

import ctypes
import errno
import platform
import struct

_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_SECCOMP = 22
_SECCOMP_MODE_FILTER = 2
_RET_ALLOW = 0x7FFF0000
_RET_ERRNO = 0x00050000
# classic BPF opcodes: load word absolute, jump if equal / if any bit set / if >=, return
_LD_W_ABS, _JEQ_K, _JSET_K, _JGE_K, _RET_K = 0x20, 0x15, 0x45, 0x35, 0x06
_OFFSET_NR, _OFFSET_ARCH, _OFFSET_ARG0 = 0, 4, 16
_X32_BIT = 0x40000000
# CLONE_NEWNS | NEWCGROUP | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET | NEWTIME
_NAMESPACE_FLAGS = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000
_NAMESPACE_FLAGS |= 0x40000000 | 0x00000080

# audit arch, then syscall numbers: denied outright, clone, clone3
_ARCHES = {
    "x86_64": (0xC000003E, {"ptrace": 101, "process_vm_readv": 310, "process_vm_writev": 311,
               "kcmp": 312, "pidfd_getfd": 438, "unshare": 272, "setns": 308}, 56, 435),
    "aarch64": (0xC00000B7, {"ptrace": 117, "process_vm_readv": 270, "process_vm_writev": 271,
                "kcmp": 272, "pidfd_getfd": 438, "unshare": 97, "setns": 268}, 220, 435),
}  # fmt: skip


def _instruction(code: int, k: int, jt: int = 0, jf: int = 0) -> bytes:
    return struct.pack("HBBI", code, jt, jf, k)


def program(machine: str) -> bytes:
    """The filter for `machine` (as `platform.machine()` names it) as raw sock_filter structs."""
    arch, denied, clone, clone3 = _ARCHES[machine]
    eperm, enosys = _RET_ERRNO | errno.EPERM, _RET_ERRNO | errno.ENOSYS
    head = [
        _instruction(_LD_W_ABS, _OFFSET_ARCH),
        _instruction(_JEQ_K, arch, jt=1),
        _instruction(_RET_K, eperm),
        _instruction(_LD_W_ABS, _OFFSET_NR),
    ]
    if machine == "x86_64":
        head += [_instruction(_JGE_K, _X32_BIT, jf=1), _instruction(_RET_K, eperm)]
    checks = []
    for number in denied.values():
        checks += [_instruction(_JEQ_K, number, jf=1), _instruction(_RET_K, eperm)]
    checks += [_instruction(_JEQ_K, clone3, jf=1), _instruction(_RET_K, enosys)]
    checks += [
        _instruction(_JEQ_K, clone, jf=3),
        _instruction(_LD_W_ABS, _OFFSET_ARG0),
        _instruction(_JSET_K, _NAMESPACE_FLAGS, jf=1),
        _instruction(_RET_K, eperm),
        _instruction(_RET_K, _RET_ALLOW),
    ]
    return b"".join(head + checks)


class _Program(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_char_p)]


def deny_tracing() -> str | None:
    """Install the filter on the calling thread's process (inherited by everything it starts).

    Returns None when installed, else why not (an unknown architecture, or a kernel without
    seccomp): callers record it, because the other layers (a non-dumpable server, separate PID
    namespaces) still stand.
    """
    machine = platform.machine()
    if machine not in _ARCHES:
        return f"no seccomp filter for the {machine} architecture"
    code = program(machine)
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl.argtypes = [
        ctypes.c_int,
        ctypes.c_ulong,
        ctypes.c_void_p,
        ctypes.c_ulong,
        ctypes.c_ulong,
    ]
    fprog = _Program(len(code) // 8, code)
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, None, 0, 0) != 0:
        return f"prctl(PR_SET_NO_NEW_PRIVS) failed: {errno.errorcode.get(ctypes.get_errno())}"
    if libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) != 0:
        return f"installing the seccomp filter failed: {errno.errorcode.get(ctypes.get_errno())}"
    return None

// Linked into the Linux glibc prebuilt binaries only (cmake/prebuild.cmake): lets a binary built
// against a new glibc (Debian 12: 2.36) load on glibc 2.28 (Debian 10, RHEL 8, Amazon Linux 2023...),
// the floor of Node 20's own binaries. The linker gives each undefined symbol its newest version;
// these hidden definitions take the references of our code and of the static libstdc++ instead:
// - exp/log/pow (new versions in 2.29) and the pthread functions (moved into libc in 2.34) forward
//   to the version every glibc since the architecture's first one exports;
// - __libc_single_threaded (2.32): libstdc++ skips atomic reference counts when it is nonzero;
//   0 means "maybe threaded", always correct;
// - arc4random (2.36), reached only through std::random_device, from getrandom (2.25).
// No system headers: their declarations would clash with these definitions.
#if defined(__x86_64__)
#define MYELIN_GLIBC_BASE "GLIBC_2.2.5"
#elif defined(__aarch64__)
#define MYELIN_GLIBC_BASE "GLIBC_2.17"
#else
#error "glibc_floor.cc: add this architecture's first glibc symbol version"
#endif

#define MYELIN_HIDDEN extern "C" __attribute__((visibility("hidden")))

// Defines the symbol `name` as a call of name@MYELIN_GLIBC_BASE. The C++ name differs (asm label):
// exp, log and pow are compiler builtins whose implicit declaration would make ours exported.
// Pointer and handle types are spelled void*, unsigned long (pthread_t), unsigned (pthread_key_t):
// the same calling convention.
#define MYELIN_PIN(ret, name, params, args)                        \
  extern "C" ret name##_base params;                               \
  __asm__(".symver " #name "_base, " #name "@" MYELIN_GLIBC_BASE); \
  MYELIN_HIDDEN ret name##_pinned params __asm__(#name);           \
  ret name##_pinned params { return name##_base args; }

MYELIN_PIN(double, exp, (double x), (x))
MYELIN_PIN(double, log, (double x), (x))
MYELIN_PIN(double, pow, (double x, double y), (x, y))
MYELIN_PIN(int, pthread_once, (void* once, void (*init)()), (once, init))
MYELIN_PIN(int, pthread_create, (unsigned long* t, const void* attr, void* (*fn)(void*), void* arg), (t, attr, fn, arg))
MYELIN_PIN(int, pthread_detach, (unsigned long t), (t))
MYELIN_PIN(int, pthread_join, (unsigned long t, void** ret), (t, ret))
MYELIN_PIN(int, pthread_mutex_trylock, (void* m), (m))
MYELIN_PIN(int, pthread_key_create, (unsigned* key, void (*dtor)(void*)), (key, dtor))
MYELIN_PIN(int, __pthread_key_create, (unsigned* key, void (*dtor)(void*)), (key, dtor))
MYELIN_PIN(int, pthread_key_delete, (unsigned key), (key))
MYELIN_PIN(void*, pthread_getspecific, (unsigned key), (key))
MYELIN_PIN(int, pthread_setspecific, (unsigned key, const void* value), (key, value))

#if defined(__aarch64__)
// fstat64 (2.33 on arm64; libstdc++'s filebuf calls it): before, __fxstat64 with the kernel's stat
// layout (version 0) did the same.
extern "C" int __fxstat64_base(int ver, int fd, void* buf);
__asm__(".symver __fxstat64_base, __fxstat64@" MYELIN_GLIBC_BASE);
MYELIN_HIDDEN int fstat64_pinned(int fd, void* buf) __asm__("fstat64");
int fstat64_pinned(int fd, void* buf) { return __fxstat64_base(0, fd, buf); }
#endif

extern "C" {
__attribute__((visibility("hidden"))) char __libc_single_threaded = 0;
}

extern "C" long getrandom(void* buf, unsigned long len, unsigned flags);

// getrandom returns up to 256 bytes whole and uninterrupted; it fails only on kernels before 3.17.
MYELIN_HIDDEN unsigned arc4random() {
  unsigned v = 0;
  if (getrandom(&v, sizeof v, 0) != static_cast<long>(sizeof v)) __builtin_trap();
  return v;
}

/*
 * The maintenance page's server (bluegreen maintenance on): answers every
 * HTTP request on port 8080 with the bytes of /response (a whole HTTP
 * response, status line to body, written by bluegreen), then closes. No C
 * library: a static x86_64 program of a few hundred bytes, in an image made
 * on the engine (`docker import`), as the route container's is. Built by
 * build.sh into src/plan/maintenance-responder.ts; its source is this file.
 *
 * One connection at a time: Traefik is the only client, and a request's
 * answer is one write. A client that sends nothing is cut after 2 s
 * (SO_RCVTIMEO), so one cannot hold the others.
 */
typedef unsigned long u64;
typedef long i64;

static i64 sys(i64 n, i64 a, i64 b, i64 c, i64 d, i64 e) {
  i64 ret;
  register i64 r10 __asm__("r10") = d;
  register i64 r8 __asm__("r8") = e;
  __asm__ volatile("syscall" : "=a"(ret) : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8) : "rcx", "r11", "memory");
  return ret;
}

enum { READ = 0, WRITE = 1, OPEN = 2, CLOSE = 3, SOCKET = 41, ACCEPT = 43, SHUTDOWN = 48, BIND = 49, LISTEN = 50, SETSOCKOPT = 54, EXIT = 60 };

static char response[1 << 20];
static char request[16384];

struct sockaddr_in { unsigned short family, port; unsigned int addr; char zero[8]; };
struct timeval { i64 sec, usec; };

/* Reads the request's head (to its blank line) or until the client stops sending. */
static void read_head(i64 fd) {
  i64 have = 0;
  for (;;) {
    i64 got = sys(READ, fd, (i64)(request + have), sizeof request - have, 0, 0);
    if (got <= 0) return;
    have += got;
    for (i64 i = 3; i < have; i++)
      if (request[i - 3] == '\r' && request[i - 2] == '\n' && request[i - 1] == '\r' && request[i] == '\n') return;
    if (have == sizeof request) have = 0;
  }
}

void _start(void) {
  i64 page = sys(OPEN, (i64)"/response", 0, 0, 0, 0);
  if (page < 0) sys(EXIT, 2, 0, 0, 0, 0);
  i64 size = 0, got;
  while ((got = sys(READ, page, (i64)(response + size), sizeof response - size, 0, 0)) > 0) size += got;
  sys(CLOSE, page, 0, 0, 0, 0);

  i64 server = sys(SOCKET, 2 /* AF_INET */, 1 /* SOCK_STREAM */, 0, 0, 0);
  int one = 1;
  sys(SETSOCKOPT, server, 1 /* SOL_SOCKET */, 2 /* SO_REUSEADDR */, (i64)&one, sizeof one);
  struct sockaddr_in at = { 2, (unsigned short)((8080 >> 8) | ((8080 & 0xff) << 8)), 0, {0} };
  if (sys(BIND, server, (i64)&at, sizeof at, 0, 0) < 0 || sys(LISTEN, server, 128, 0, 0, 0) < 0) sys(EXIT, 3, 0, 0, 0, 0);

  struct timeval patience = { 2, 0 };
  for (;;) {
    i64 client = sys(ACCEPT, server, 0, 0, 0, 0);
    if (client < 0) continue;
    sys(SETSOCKOPT, client, 1, 20 /* SO_RCVTIMEO */, (i64)&patience, sizeof patience);
    read_head(client);
    for (i64 sent = 0; sent < size;) {
      i64 wrote = sys(WRITE, client, (i64)(response + sent), size - sent, 0, 0);
      if (wrote <= 0) break;
      sent += wrote;
    }
    /* The client reads the whole answer before the close: what it still sends is read and dropped. */
    sys(SHUTDOWN, client, 1 /* SHUT_WR */, 0, 0, 0);
    while (sys(READ, client, (i64)request, sizeof request, 0, 0) > 0) {}
    sys(CLOSE, client, 0, 0, 0, 0);
  }
}

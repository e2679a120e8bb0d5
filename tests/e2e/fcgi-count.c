/* A minimal FastCGI responder for the end-to-end tests (no library).
 *
 * Started by mod_fcgid (through cgijail) with its listening socket as fd 0,
 * it answers every request with one line:
 *     pid PID count N uid UID jail JAIL-ID query QUERY_STRING
 * so a test can tell that one jailed process served them all. It reads the
 * records of one request (BEGIN_REQUEST, PARAMS..., STDIN... up to the empty
 * STDIN record), writes STDOUT and END_REQUEST, and closes the connection
 * (mod_fcgid does not ask to keep it).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum { BEGIN_REQUEST = 1, END_REQUEST = 3, PARAMS = 4, STDIN = 5, STDOUT = 6 };

struct header {
	unsigned char version, type, id1, id0, len1, len0, pad, reserved;
};

static int read_all(int fd, void *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = read(fd, (char *)buf + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	return 0;
}

static int write_all(int fd, const void *buf, size_t n)
{
	size_t done = 0;

	while (done < n) {
		ssize_t w = write(fd, (const char *)buf + done, n - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		done += (size_t)w;
	}
	return 0;
}

static int record(int fd, int type, int id, const void *data, size_t len)
{
	struct header h = { 1, (unsigned char)type, (unsigned char)(id >> 8), (unsigned char)id,
			    (unsigned char)(len >> 8), (unsigned char)len, 0, 0 };

	if (write_all(fd, &h, sizeof h) < 0)
		return -1;
	return len ? write_all(fd, data, len) : 0;
}

/* A name or value length: one byte, or four with the top bit set. */
static size_t pair_len(const unsigned char **p, const unsigned char *end)
{
	size_t n;

	if (*p >= end)
		return 0;
	if (!(**p & 0x80))
		return *(*p)++;
	if (end - *p < 4)
		return 0;
	n = ((size_t)((*p)[0] & 0x7f) << 24) | ((size_t)(*p)[1] << 16) | ((size_t)(*p)[2] << 8) | (*p)[3];
	*p += 4;
	return n;
}

static void find_query(const unsigned char *p, size_t len, char *query, size_t size)
{
	const unsigned char *end = p + len;

	while (p < end) {
		size_t nl = pair_len(&p, end), vl = pair_len(&p, end);
		if ((size_t)(end - p) < nl + vl)
			return;
		if (nl == 12 && memcmp(p, "QUERY_STRING", 12) == 0)
			snprintf(query, size, "%.*s", (int)vl, (const char *)p + nl);
		p += nl + vl;
	}
}

/* One request on connection c: 0 when answered. */
static int serve(int c, unsigned long count, const char *jail)
{
	static unsigned char buf[65536 + 256];
	char query[256] = "", out[768];
	struct header h;
	int id = 1, n;

	for (;;) {
		size_t len;
		if (read_all(c, &h, sizeof h) < 0)
			return -1;
		len = ((size_t)h.len1 << 8) | h.len0;
		if (read_all(c, buf, len + h.pad) < 0)
			return -1;
		id = (h.id1 << 8) | h.id0;
		if (h.type == PARAMS)
			find_query(buf, len, query, sizeof query);
		if (h.type == STDIN && len == 0)
			break;
	}
	n = snprintf(out, sizeof out, "Content-Type: text/plain\r\n\r\npid %d count %lu uid %u jail %s query %s\n",
		     (int)getpid(), count, (unsigned)getuid(), jail, query);
	static const unsigned char end_body[8] = { 0 };
	if (record(c, STDOUT, id, out, (size_t)n) < 0 || record(c, STDOUT, id, "", 0) < 0 ||
	    record(c, END_REQUEST, id, end_body, sizeof end_body) < 0)
		return -1;
	return 0;
}

int main(void)
{
	char jail[64] = "(none)";
	unsigned long count = 0;
	int fd = open("/jail-id", O_RDONLY);

	if (fd >= 0) {
		ssize_t n = read(fd, jail, sizeof jail - 1);
		jail[n > 0 ? n : 0] = 0;
		jail[strcspn(jail, "\n")] = 0;
		close(fd);
	}
	for (;;) {
		int c = accept(0, NULL, NULL);
		if (c < 0) {
			if (errno == EINTR)
				continue;
			return 1;
		}
		if (serve(c, count + 1, jail) == 0)
			count++;
		close(c);
	}
}

/* A CGI that attacks the template of its thin jail (tests/integration/33-*):
 * every attempt prints "NAME ok" or "NAME ERRNO-NAME". Static. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

static void report(const char *name, long rc)
{
	if (rc < 0)
		printf("%s %s\n", name, strerrorname_np(errno) ? strerrorname_np(errno) : "error");
	else
		printf("%s ok\n", name);
}

int main(int argc, char **argv)
{
	const char *target = argc > 1 ? argv[1] : "/usr/bin/python3";

	printf("Content-Type: text/plain\n\nMARK CJT-CGI-RAN\n");
	report("remount", mount(NULL, "/.template", NULL, MS_REMOUNT | MS_BIND, NULL));
	report("umount", umount2("/.template", MNT_DETACH));
	report("write", open(target, O_WRONLY));
	report("create", open("/usr/bin/planted", O_WRONLY | O_CREAT, 0755));
	report("unlink_usr", unlink("/usr"));
	report("rename_template", rename("/.template", "/var/www/cgi-bin/t"));
	report("hardlink", link(target, "./stolen"));
	report("chmod", chmod(target, 04755));
	report("symlink_etc", symlink("/var/www/cgi-bin/evil", "/etc/ld.so.preload"));
	return 0;
}

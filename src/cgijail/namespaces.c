/* namespaces = pid,ipc,net,uts,mount: the CGI's own namespaces.
 *
 * Created while root and before chroot (unshare needs CAP_SYS_ADMIN; the
 * mount namespace must be private before anything is mounted in it). The
 * private /proc and /tmp are mounted after chroot by the process that will
 * become the CGI -- the first process of its pid namespace (mount is never
 * without pid), so the /proc it mounts shows only the CGI's processes. Only the directories the
 * jail root holds are used, and only root can change those. */
#include "cgijail.h"
#include "safepath.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

/* A new network namespace has only a loopback device, and it is down. */
static void bring_up_loopback(struct request *rq)
{
	struct ifreq ifr = { 0 };
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "lo");
	if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) < 0 ||
	    (ifr.ifr_flags |= IFF_UP, ioctl(s, SIOCSIFFLAGS, &ifr) < 0))
		refuse(rq, CJ_NAMESPACES, "cannot bring up the loopback device: %s", strerror(errno));
	close(s);
}

/* The jail's descriptor was opened in the host's mount namespace; a root
 * there would put every mount of ours out of reach (EINVAL). Open the same
 * path again, with the same checks, and make sure it is the same directory. */
static void reopen_jail_in_namespace(struct request *rq)
{
	char why[PATH_MAX + 128];
	struct stat was, now;
	int fd;

	if (rq->jail_fd < 0)
		return;
	fd = open_root_owned_path(rq->jail, O_PATH | O_DIRECTORY, why, sizeof why);
	if (fd < 0)
		refuse(rq, CJ_JAIL_UNSAFE, "%s", why);
	if (fstat(rq->jail_fd, &was) < 0 || fstat(fd, &now) < 0 || was.st_dev != now.st_dev ||
	    was.st_ino != now.st_ino)
		refuse(rq, CJ_NAMESPACES, "%s changed while entering the namespaces", rq->jail);
	close(rq->jail_fd);
	rq->jail_fd = fd;
}

void enter_namespaces(struct request *rq)
{
	int flags = rq->pol->namespaces;
	char names[64];

	if (!flags)
		return;
	cj_namespaces_names(flags, " ", names, sizeof names);
	if (rq->mode == MODE_DRY_RUN) {
		passed(rq, "namespaces", "%s (not entered in a dry run%s)", names,
		       rq->template_tree >= 0 ? "; a mount namespace only, for the template" : "");
		/* The check needs the template where the CGI will see it. */
		if (rq->template_tree < 0)
			return;
		flags = CLONE_NEWNS;
	}
	if (unshare(flags) < 0)
		refuse(rq, CJ_NAMESPACES, "unshare(%s): %s", names, strerror(errno));
	/* Nothing mounted from here on may propagate back to the host. */
	if ((flags & CLONE_NEWNS) && mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		refuse(rq, CJ_NAMESPACES, "cannot make the mount namespace private: %s", strerror(errno));
	if (flags & CLONE_NEWNS)
		reopen_jail_in_namespace(rq);
	if (flags & CLONE_NEWNET)
		bring_up_loopback(rq);
}

/* DIR in the jail must be a directory itself, not a symlink to one. */
static void require_mount_point(struct request *rq, const char *dir)
{
	struct stat st;

	if (lstat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		refuse(rq, CJ_NAMESPACES, "the jail has no directory %s to mount on (create it, root-owned)",
		       dir);
}

static void mount_on(struct request *rq, const char *fs, const char *dir, const char *options)
{
	require_mount_point(rq, dir);
	if (mount(fs, dir, fs, MS_NOSUID | MS_NODEV | (fs[0] == 'p' ? MS_NOEXEC : 0), options) < 0)
		refuse(rq, CJ_NAMESPACES, "cannot mount %s on %s in the jail: %s", fs, dir, strerror(errno));
}

void mount_private_dirs(struct request *rq)
{
	int flags = rq->pol->namespaces;
	char names[64];

	if (!flags || rq->mode == MODE_DRY_RUN)
		return;
	if (flags & CLONE_NEWNS) {
		/* The config is refused without a pid namespace (config.c,
		 * require_contained): this /proc shows the CGI's processes only. */
		mount_on(rq, "proc", "/proc", NULL);
		mount_on(rq, "tmpfs", "/tmp", "mode=1777,size=64m,nr_inodes=16k");
	}
	cj_namespaces_names(flags, " ", names, sizeof names);
	passed(rq, "namespaces", "%s%s", names,
	       flags & CLONE_NEWNS ? "; private /proc and /tmp" : "");
}

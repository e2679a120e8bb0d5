/* cgijailctl init --template: see init_thin.h. */
#include "init_thin.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cgijailctl.h"
#include "thin.h"
#include "tstore.h"

bool init_from_template(const char *path)
{
	return !strcmp(path, "/usr") || !strncmp(path, "/usr/", 5);
}

int init_attach_template(int rootfd, const char *config, const char *name, bool link,
			 struct strlist *changed)
{
	struct thin_result r = { 0 };
	struct tstore s = { .fd = -1 };
	char why[4200], gen[TSTORE_GEN_MAX], root[TSTORE_GEN_MAX + 8];
	int tfd = -1, genroot = -1, status = CTL_ERROR;

	if (tstore_open(&s, config, false, why, sizeof why) < 0 ||
	    (tfd = tstore_template(&s, name, false, why, sizeof why)) < 0)
		goto out;
	if (tstore_current(tfd, gen, sizeof gen, why, sizeof why) != 1 || !tstore_verified(tfd, gen)) {
		snprintf(why, sizeof why, "template %s has no verified current generation (cgijailctl "
			 "template build %s --profile ...)", name, name);
		goto out;
	}
	snprintf(root, sizeof root, "%s/root", gen);
	genroot = openat(tfd, root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (genroot < 0) {
		snprintf(why, sizeof why, "%s/%s/%s: cannot be opened", s.path, name, root);
		goto out;
	}
	if (thin_attach(rootfd, genroot, gen, link, &r, why, sizeof why) == 0 &&
	    (!link || thin_drop_old_farms(rootfd, &r) == 0))
		status = CTL_OK;
	for (size_t i = 0; i < r.changed.n; i++)
		(void)strlist_add(changed, r.changed.v[i]);
out:
	if (status != CTL_OK)
		fprintf(stderr, "cgijailctl init: %s\n", why);
	thin_result_free(&r);
	if (genroot >= 0)
		close(genroot);
	if (tfd >= 0)
		close(tfd);
	tstore_close(&s);
	return status;
}

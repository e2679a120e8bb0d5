/* seccomp = default | strict | off | FILE: the set of denied groups. */
#include "seccomp_policy.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "safepath.h"
#include "strutil.h"

static const struct {
	const char *name;
	bool in_default;
} groups[SG_COUNT] = {
#define X(id, name, set) [id] = { name, sizeof #set == sizeof "DEFAULT" },
#include "seccomp_groups.def"
#undef X
};

const char *cj_seccomp_group_name(enum cj_seccomp_group g)
{
	return groups[g].name;
}

static uint32_t default_set(bool strict)
{
	uint32_t m = 0;

	for (int g = 0; g < SG_COUNT; g++)
		if (groups[g].in_default || strict)
			m |= SG_BIT(g);
	return m;
}

static int find_group(const char *name)
{
	for (int g = 0; g < SG_COUNT; g++)
		if (!strcmp(name, groups[g].name))
			return g;
	return -1;
}

/* One line of a policy file: blank, "# comment", "allow GROUP", "deny GROUP". */
static int apply_line(char *line, uint32_t *deny, char *why, size_t len)
{
	char verb[16], name[32], extra[2];
	int n, g;

	line[strcspn(line, "#\n")] = '\0';
	n = sscanf(line, "%15s %31s %1s", verb, name, extra);
	if (n <= 0)
		return 0;
	if (n != 2 || (strcmp(verb, "allow") != 0 && strcmp(verb, "deny") != 0)) {
		snprintf(why, len, "expected \"allow GROUP\" or \"deny GROUP\"");
		return -1;
	}
	g = find_group(name);
	if (g < 0) {
		snprintf(why, len, "unknown group '%s' (see cgijail -V)", name);
		return -1;
	}
	if (verb[0] == 'a')
		*deny &= ~SG_BIT(g);
	else
		*deny |= SG_BIT(g);
	return 0;
}

static int read_policy_file(const char *path, uint32_t *deny, char *why, size_t len)
{
	char reason[256], line[256];
	int fd = open_root_owned_path(path, O_RDONLY | O_NONBLOCK, reason, sizeof reason);
	FILE *f;
	int lineno = 0, rc = 0;

	if (fd < 0) {
		snprintf(why, len, "policy file: %s", reason);
		return -1;
	}
	f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		snprintf(why, len, "%s: cannot read", path);
		return -1;
	}
	*deny = default_set(false);
	while (rc == 0 && fgets(line, sizeof line, f)) {
		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			snprintf(reason, sizeof reason, "line too long");
			rc = -1;
		} else {
			rc = apply_line(line, deny, reason, sizeof reason);
		}
	}
	if (rc == 0 && ferror(f)) {
		snprintf(reason, sizeof reason, "read error");
		rc = -1;
	}
	fclose(f);
	if (rc < 0)
		snprintf(why, len, "%s:%d: %s", path, lineno, reason);
	return rc;
}

int cj_seccomp_policy_parse(const char *value, uint32_t *deny, char *name, size_t namelen,
			    char *why, size_t whylen)
{
	if (format_checked(name, namelen, "%s", value) < 0) {
		snprintf(why, whylen, "value too long");
		return -1;
	}
	if (!strcmp(value, "default") || !strcmp(value, "strict")) {
		*deny = default_set(value[0] == 's');
		return 0;
	}
	if (!strcmp(value, "off")) {
		*deny = 0;
		return 0;
	}
	if (value[0] == '/')
		return read_policy_file(value, deny, why, whylen);
	snprintf(why, whylen, "'%s' is not default, strict, off or an absolute file name", value);
	return -1;
}

#include "profile.h"

#include <errno.h>
#include <iniparser.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl_build.h"

#define MAX_REQUIRE_DEPTH 8

static const char *const keys[PROF_NLISTS] = {
	"dirs", "user_dirs", "sticky_dirs", "files", "programs", "trees", "exclude", "requires",
	"private_dirs",
};

const char *profile_default_dir(void)
{
	return CTL_PROFILES_DIR;
}

static bool valid_name(const char *name)
{
	if (!name[0] || strlen(name) > 64)
		return false;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' ||
		      *p == '_' || *p == '.') || (p == name && *p == '.'))
			return false;
	return true;
}

static int key_index(const char *key)
{
	if (!strcmp(key, "description"))
		return PROF_NLISTS;
	for (int i = 0; i < PROF_NLISTS; i++)
		if (!strcmp(key, keys[i]))
			return i;
	return -1;
}

/* Paths must be absolute and free of "..": a profile names host paths
 * that are copied to the same place in the jail. */
static int check_value(int idx, const char *path, const char *key, const char *v,
		       char *why, size_t whylen)
{
	struct strlist words = { 0 };
	int rc = 0;

	if (strlist_add_words(&words, v) < 0) {
		snprintf(why, whylen, "%s: %s: a word is too long", path, key);
		return -1;
	}
	for (size_t i = 0; i < words.n && rc == 0; i++) {
		const char *w = words.v[i];

		if (idx == PROF_REQUIRES) {
			if (!valid_name(w)) {
				snprintf(why, whylen, "%s: requires: '%s' is not a profile name", path, w);
				rc = -1;
			}
		} else if (idx != PROF_EXCLUDE && (w[0] != '/' || strstr(w, "/../") ||
						   (strlen(w) >= 3 && !strcmp(w + strlen(w) - 3, "/..")))) {
			snprintf(why, whylen, "%s: %s: '%s' is not an absolute path without '..'",
				 path, key, w);
			rc = -1;
		}
	}
	strlist_free(&words);
	return rc;
}

static int read_keys(struct profile_set *set, dictionary *d, const char *path,
		     char *why, size_t whylen)
{
	int n = iniparser_getsecnkeys(d, "profile");
	const char **names;
	int rc = 0;

	if (n <= 0)
		return 0;
	names = calloc((size_t)n, sizeof *names);
	if (!names) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	iniparser_getseckeys(d, "profile", names);
	for (int i = 0; i < n && rc == 0; i++) {
		const char *key = names[i] + strlen("profile:");
		const char *v = iniparser_getstring(d, names[i], "");
		int idx = key_index(key);

		if (idx < 0) {
			snprintf(why, whylen, "%s: unknown key '%s' in [profile]", path, key);
			rc = -1;
		} else if (idx < PROF_NLISTS &&
			   (check_value(idx, path, key, v, why, whylen) < 0 ||
			    strlist_add_words(&set->list[idx], v) < 0)) {
			if (!why[0])
				snprintf(why, whylen, "out of memory");
			rc = -1;
		}
	}
	free(names);
	return rc;
}

/* Only [profile] may appear, and every key must be in it. */
static int check_sections(dictionary *d, const char *path, char *why, size_t whylen)
{
	int nsec = iniparser_getnsec(d);

	for (int i = 0; i < nsec; i++) {
		const char *sec = iniparser_getsecname(d, i);

		if (sec && strcmp(sec, "profile") != 0) {
			snprintf(why, whylen, "%s: unknown section [%s]", path, sec);
			return -1;
		}
	}
	for (int i = 0; i < d->size; i++) {
		if (d->key[i] && d->val[i] && strncmp(d->key[i], "profile:", 8) != 0) {
			snprintf(why, whylen, "%s: key '%s' is outside [profile]", path, d->key[i]);
			return -1;
		}
	}
	return 0;
}

int profile_parse_file(struct profile_set *set, const char *path, char *why, size_t whylen)
{
	dictionary *d;
	int rc;

	why[0] = '\0';
	if (access(path, R_OK) < 0) {
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
		return -1;
	}
	d = iniparser_load(path);
	if (!d) {
		snprintf(why, whylen, "%s: cannot be parsed", path);
		return -1;
	}
	rc = check_sections(d, path, why, whylen);
	if (rc == 0)
		rc = read_keys(set, d, path, why, whylen);
	iniparser_freedict(d);
	return rc;
}

static int add_depth(struct profile_set *set, const char *dir, const char *name, int depth,
		     char *why, size_t whylen)
{
	struct profile_set one = { 0 };
	char path[4096];
	int rc = 0;

	if (!valid_name(name)) {
		snprintf(why, whylen, "'%s' is not a profile name (letters, digits, '-', '_', '.')", name);
		return -1;
	}
	if (strlist_has(&set->names, name))
		return 0;
	if (depth > MAX_REQUIRE_DEPTH) {
		snprintf(why, whylen, "profile %s: requires nest deeper than %d", name, MAX_REQUIRE_DEPTH);
		return -1;
	}
	snprintf(path, sizeof path, "%s/%s.ini", dir, name);
	if (profile_parse_file(&one, path, why, whylen) < 0) {
		profile_set_free(&one);
		return -1;
	}
	if (strcmp(name, "base") != 0)
		rc = add_depth(set, dir, "base", depth + 1, why, whylen);
	for (size_t i = 0; rc == 0 && i < one.list[PROF_REQUIRES].n; i++)
		rc = add_depth(set, dir, one.list[PROF_REQUIRES].v[i], depth + 1, why, whylen);
	if (rc == 0 && !strlist_has(&set->names, name)) {
		rc = strlist_add(&set->names, name);
		for (int k = 0; rc == 0 && k < PROF_NLISTS; k++)
			for (size_t i = 0; rc == 0 && i < one.list[k].n; i++)
				rc = strlist_add_unique(&set->list[k], one.list[k].v[i]);
		if (rc < 0)
			snprintf(why, whylen, "out of memory");
	}
	profile_set_free(&one);
	return rc;
}

int profile_add(struct profile_set *set, const char *dir, const char *name,
		char *why, size_t whylen)
{
	return add_depth(set, dir, name, 0, why, whylen);
}

void profile_set_free(struct profile_set *set)
{
	strlist_free(&set->names);
	for (int i = 0; i < PROF_NLISTS; i++)
		strlist_free(&set->list[i]);
}

/* cgijail's own link map: bound before chroot, unchanged after it.
 *
 * The seed of this project: a chrooting suexec resolved symbols lazily
 * *inside* the jail, against the jail's libraries ("relocation error:
 * libnss_compat.so.2: symbol _nss_files_parse_grent, version GLIBC_2.0 not
 * defined"). cgijail is linked with -z now and links libcap and iniparser
 * statically, so its link map is the executable, libc, the loader and the
 * vDSO. Every object in it must be bound now -- except libc and the loader,
 * which glibc does not link that way: their few PLT slots (malloc family,
 * loader internals) resolve between those two objects only, in memory, and
 * can never open a file. What would open files after chroot is a dlopen
 * (NSS, iconv, libgcc_s): record_link_map() counts the objects just before
 * chroot -- after the user and group lookups, which load the host's NSS
 * modules -- and require_link_map_unchanged() proves none was added since.
 * Those NSS modules are never called after chroot, so their lazy PLT slots
 * (if any) are never resolved there.
 */
#include "cgijail.h"

#include <elf.h>
#include <link.h>
#include <string.h>

struct walk {
	unsigned count;
	const char *interp;      /* our PT_INTERP: the loader's name in the link map */
	const char *lazy_object; /* first object that may bind lazily */
};

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

static const ElfW(Dyn) *dynamic_of(const struct dl_phdr_info *info)
{
	for (int i = 0; i < info->dlpi_phnum; i++)
		if (info->dlpi_phdr[i].p_type == PT_DYNAMIC)
			/* NOLINTNEXTLINE(performance-no-int-to-ptr): load address + vaddr */
			return (const ElfW(Dyn) *)(info->dlpi_addr + info->dlpi_phdr[i].p_vaddr);
	return NULL;
}

static const char *interp_of(const struct dl_phdr_info *info)
{
	for (int i = 0; i < info->dlpi_phnum; i++)
		if (info->dlpi_phdr[i].p_type == PT_INTERP)
			/* NOLINTNEXTLINE(performance-no-int-to-ptr): load address + vaddr */
			return (const char *)(info->dlpi_addr + info->dlpi_phdr[i].p_vaddr);
	return NULL;
}

/* Bound now: DF_BIND_NOW, DF_1_NOW or DT_BIND_NOW, or no PLT relocations. */
static bool binds_now(const ElfW(Dyn) *dyn)
{
	bool has_plt = false;

	for (; dyn && dyn->d_tag != DT_NULL; dyn++) {
		if (dyn->d_tag == DT_BIND_NOW ||
		    (dyn->d_tag == DT_FLAGS && (dyn->d_un.d_val & DF_BIND_NOW)) ||
		    (dyn->d_tag == DT_FLAGS_1 && (dyn->d_un.d_val & DF_1_NOW)))
			return true;
		if (dyn->d_tag == DT_JMPREL)
			has_plt = true;
	}
	return !has_plt;
}

static int visit(struct dl_phdr_info *info, size_t size, void *data)
{
	struct walk *w = data;
	const char *name = info->dlpi_name ? info->dlpi_name : "";
	bool is_main = w->count == 0;

	(void)size;
	w->count++;
	if (is_main) {
		w->interp = interp_of(info);
		if (!binds_now(dynamic_of(info)))
			w->lazy_object = "cgijail itself (not linked with -z now)";
		return 0;
	}
	if (ends_with(name, "/libc.so.6") || (w->interp && !strcmp(name, w->interp)))
		return 0;
	if (!w->lazy_object && !binds_now(dynamic_of(info)))
		w->lazy_object = name;
	return 0;
}

void require_bound_link_map(struct request *rq)
{
	struct walk w = { 0 };

	dl_iterate_phdr(visit, &w);
	if (w.lazy_object)
		refuse(rq, CJ_LAZY_BINDING, "%s may bind symbols lazily (check /etc/ld.so.preload)",
		       w.lazy_object);
}

static int count(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)info;
	(void)size;
	(*(unsigned *)data)++;
	return 0;
}

void record_link_map(struct request *rq)
{
	rq->link_objects = 0;
	dl_iterate_phdr(count, &rq->link_objects);
}

void require_link_map_unchanged(struct request *rq)
{
	unsigned now = 0;

	dl_iterate_phdr(count, &now);
	if (now != rq->link_objects)
		refuse(rq, CJ_LINK_MAP_CHANGED, "%u objects before chroot, %u now", rq->link_objects, now);
	passed(rq, "link-map", "%u objects, all bound before chroot, none loaded since", now);
}

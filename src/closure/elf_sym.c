/* Looking symbols up in a parsed ELF file (cl_elf.h): the dynamic symbol
 * table, its GNU or SysV hash table, the versions of a symbol, the
 * relocations that name one. */
#include <elf.h>
#include <stddef.h>
#include <string.h>

#include "elf_read.h"

void cl_elf_sym(const struct cl_elf *e, size_t idx, struct cl_sym *s)
{
	size_t off = e->sym_off + idx * SZ(e, Sym);

	/* The common case, a native 64-bit object: fixed offsets, no swapping. */
	if (e->is64 && e->big_endian == (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__)) {
		const unsigned char *p = e->data + off;

		memcpy(&s->name, p + offsetof(Elf64_Sym, st_name), sizeof s->name);
		s->info = p[offsetof(Elf64_Sym, st_info)];
		s->other = p[offsetof(Elf64_Sym, st_other)];
		memcpy(&s->shndx, p + offsetof(Elf64_Sym, st_shndx), sizeof s->shndx);
		memcpy(&s->value, p + offsetof(Elf64_Sym, st_value), sizeof s->value);
		return;
	}
	s->name = (uint32_t)RD(e, off, Sym, st_name);
	s->info = (uint8_t)RD(e, off, Sym, st_info);
	s->other = (uint8_t)RD(e, off, Sym, st_other);
	s->shndx = (uint16_t)RD(e, off, Sym, st_shndx);
	s->value = RD(e, off, Sym, st_value);
}

size_t cl_elf_next_undefined(const struct cl_elf *e, size_t from, const unsigned char *marks)
{
	size_t step = SZ(e, Sym), shndx = FOFF(e, Sym, st_shndx);

	for (size_t idx = from; idx < e->nsyms; idx++)
		if ((marks && (marks[idx / 8] & (1u << (idx % 8)))) ||
		    rd(e, e->sym_off + idx * step + shndx, 2) == SHN_UNDEF)
			return idx;
	return e->nsyms;
}

const char *cl_elf_str(const struct cl_elf *e, uint32_t off)
{
	return off < e->strsz ? e->strtab + off : NULL;
}

uint16_t cl_elf_versym(const struct cl_elf *e, size_t idx)
{
	return e->has_versym ? (uint16_t)rd(e, e->versym_off + idx * 2, 2) : 0;
}

const struct cl_version *cl_elf_version(const struct cl_elf *e, uint16_t ndx)
{
	size_t lo = 0, hi = e->n_versions;
	const struct cl_version *found = NULL;

	ndx &= 0x7fff;
	if (e->n_version_at)
		return ndx < e->n_version_at && e->version_at[ndx] >= 0 ? &e->versions[e->version_at[ndx]]
									  : NULL;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (e->versions[mid].ndx < ndx) {
			lo = mid + 1;
		} else {
			if (e->versions[mid].ndx == ndx)
				found = &e->versions[mid];
			hi = mid;
		}
	}
	/* The last of equal indexes wins, as the loader overwrites. */
	while (found && found + 1 < e->versions + e->n_versions && found[1].ndx == ndx)
		found++;
	return found;
}

static size_t gnu_next(const struct cl_elf *e, struct cl_hash_iter *it, uint32_t h)
{
	if (!it->started) {
		size_t wbits = e->is64 ? 64 : 32, wsz = wbits / 8;
		uint64_t word, mask;
		uint32_t b;

		it->started = true;
		word = rd(e, e->bloom_off + ((h / wbits) & (e->bloom_words - 1)) * wsz, wsz);
		/* The loader shifts a 64-bit value; x86 masks the count. */
		mask = (1ULL << (h % wbits)) |
		       (1ULL << (((uint64_t)h >> (e->bloom_shift & 63)) % wbits));
		b = rd32(e, e->buckets_off + (size_t)(h % e->nbuckets) * 4);
		if ((word & mask) != mask || b == 0 || b < e->symoffset) {
			it->done = true;
			return 0;
		}
		it->idx = b;
	}
	while (!it->done && it->idx < e->nsyms) {
		size_t i = it->idx++;
		uint32_t ch = rd32(e, e->chain_off + (i - e->symoffset) * 4);

		it->steps++;
		if (ch & 1)
			it->done = true;
		if (((ch ^ h) >> 1) == 0)
			return i;
	}
	it->done = true;
	return 0;
}

static size_t sysv_next(const struct cl_elf *e, struct cl_hash_iter *it, uint32_t h)
{
	size_t i;

	if (!it->started) {
		it->started = true;
		i = rd32(e, e->buckets_off + (size_t)(h % e->nbuckets) * 4);
	} else {
		i = rd32(e, e->chain_off + it->idx * 4);
	}
	/* A corrupt chain may loop: no chain is longer than the table. */
	if (i == 0 || i >= e->nsyms || ++it->steps > e->nchain) {
		it->done = true;
		return 0;
	}
	it->idx = i;
	return i;
}

size_t cl_elf_hash_next(const struct cl_elf *e, struct cl_hash_iter *it,
			uint32_t gnu_hash, uint32_t sysv_hash)
{
	if (it->done || e->nbuckets == 0 || e->nsyms == 0)
		return 0;
	if (e->hash_kind == CL_HASH_GNU)
		return gnu_next(e, it, gnu_hash);
	if (e->hash_kind == CL_HASH_SYSV)
		return sysv_next(e, it, sysv_hash);
	return 0;
}

void cl_elf_each_reloc(const struct cl_elf *e, uint32_t type,
		       void (*fn)(size_t sym, void *arg), void *arg)
{
	for (size_t t = 0; t < e->n_reltabs; t++) {
		const struct cl_reltab *rt = &e->reltabs[t];
		size_t entsz = rt->rela ? SZ(e, Rela) : SZ(e, Rel);

		for (size_t i = 0; i < rt->count; i++) {
			uint64_t info = rt->rela ? RD(e, rt->off + i * entsz, Rela, r_info)
						 : RD(e, rt->off + i * entsz, Rel, r_info);
			uint64_t rtype = e->is64 ? ELF64_R_TYPE(info) : ELF32_R_TYPE(info);
			uint64_t sym = e->is64 ? ELF64_R_SYM(info) : ELF32_R_SYM(info);

			if (rtype == type && sym != 0 && sym < e->nsyms)
				fn((size_t)sym, arg);
		}
	}
}

uint32_t cl_gnu_hash(const char *s)
{
	uint32_t h = 5381;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		h = h * 33 + *p;
	return h;
}

uint32_t cl_sysv_hash(const char *s)
{
	uint32_t h = 0, g;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		h = (h << 4) + *p;
		g = h & 0xf0000000;
		if (g)
			h ^= g >> 24;
		h &= ~g;
	}
	return h;
}

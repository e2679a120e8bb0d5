/* Temporary directory trees for the cgijailctl unit tests. */
#ifndef CTL_TMPTREE_H
#define CTL_TMPTREE_H

/* A fresh directory (mode 0755) under $TMPDIR or /tmp; path in OUT. */
void tmptree_new(char *out, size_t outlen);
/* Write CONTENT to DIR/REL (parents made 0755), mode MODE. */
void tmptree_file(const char *dir, const char *rel, const char *content, unsigned mode);
/* mkdir -p DIR/REL with MODE for the last component. */
void tmptree_dir(const char *dir, const char *rel, unsigned mode);
/* A fresh TOP with an empty jail TOP/jail (0755) in it: the jail's path
 * in JAIL, its root fd (jfs_open_root) returned; -1 on failure. */
int tmptree_jail(char *top, size_t toplen, char *jail, size_t jaillen);
/* rm -rf DIR. */
void tmptree_remove(const char *dir);

#endif

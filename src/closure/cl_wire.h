/* cl_report on the wire: how a check that ran in an unprivileged process
 * hands its reports to the privileged one that asked for it.
 *
 * To the reader the bytes are hostile (the writer parsed files a customer
 * controls), so the format is small and every part of it is bounded:
 *
 *   stream  = 'V' VERSION result*
 *   result  = 'R' ERRNO checked* problem* 'E'   one cl_check(): its errno (0: it ran)
 *   checked = 'C' string                         a checked object
 *   problem = 'P' KIND string string string      object, needed_by, detail
 *   string  = up to CL_WIRE_MAX_STRING - 1 bytes, none NUL, then NUL
 *
 * VERSION, ERRNO and KIND are one byte each; KIND < CL_KIND_COUNT. A result
 * holds at most CL_WIRE_MAX_CHECKED checked objects and CL_WIRE_MAX_PROBLEMS
 * problems; a stream at most CL_WIRE_MAX_BYTES bytes. Anything else — an
 * unknown tag, a string without its NUL, a stream that ends inside a result
 * — is malformed, and the reader says where and why. Decoding and encoding
 * again gives the same bytes. */
#ifndef CL_WIRE_H
#define CL_WIRE_H

#include <stddef.h>
#include <stdio.h>

#include "closure.h"

#define CL_WIRE_VERSION      1
#define CL_WIRE_MAX_STRING   8192                 /* with its NUL */
#define CL_WIRE_MAX_CHECKED  65536                /* per result */
#define CL_WIRE_MAX_PROBLEMS 4097                 /* per result: what one cl_check reports */
#define CL_WIRE_MAX_BYTES    (64UL << 20)         /* per stream */

/* Write the stream's header to OUT. 0, or -1 on a write error. */
int cl_wire_put_header(FILE *out);

/* Write one result to OUT: ERR (errno of the cl_check, 0 when it ran; a
 * value above 255 is written as EIO) and REP. Strings longer than the
 * limit are cut. 0, or -1 with errno: a write error, or EOVERFLOW when REP
 * holds more than a result may (then nothing was written). */
int cl_wire_put_result(FILE *out, int err, const struct cl_report *rep);

/* Check the header at BUF[*POS] and move *POS past it. 0, or -1 with the
 * reason in WHY. */
int cl_wire_get_header(const void *buf, size_t len, size_t *pos, char *why, size_t whylen);

/* Decode the result at BUF[*POS], appending its objects and problems to REP
 * (which may hold earlier ones) and its errno to *ERR; move *POS past it.
 * 1: a result was decoded; 0: *POS is at the end of BUF; -1: malformed (REP
 * then holds what came before the bad byte; the reason is in WHY). */
int cl_wire_get_result(const void *buf, size_t len, size_t *pos, int *err,
		       struct cl_report *rep, char *why, size_t whylen);

#endif

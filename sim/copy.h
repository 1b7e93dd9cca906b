/* SPDX-License-Identifier: MIT */
/*
 * The data path's copies of block data (a folio into a zone buffer, a zone
 * into a read's buffer, user data into a folio): memcpy() semantics, with
 * vector moves rather than glibc's `rep movsb` for copies of a block or more.
 */
#ifndef ZWSIM_COPY_H
#define ZWSIM_COPY_H

#include <stddef.h>

void zw_copy(void *dst, const void *src, size_t n);

#endif

/* SPDX-License-Identifier: MIT */
/* Writing to file descriptors: all of a buffer, through short writes and EINTR. */
#ifndef GCAS_BASE_FILEIO_H
#define GCAS_BASE_FILEIO_H

#include <stddef.h>

/* Write p[0..n) to fd, retrying short writes and EINTR. 0, or -1 with errno set by write(2)
 * (a write of 0 bytes also counts as a failure). */
int fd_write_all(int fd, const void *p, size_t n);

#endif

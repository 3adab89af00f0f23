/* SPDX-License-Identifier: MIT */
/* MIME for Japanese mail (RFC 2045, RFC 2047): to be written by the mail module's owner. */
#ifndef GCAS_CORE_MIME_H
#define GCAS_CORE_MIME_H

#endif

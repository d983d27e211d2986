#pragma once

/*
 * A plain C interface to SentencePiece, built as its own shared library (geolens_spm).
 *
 * Why it exists: the distribution build of SentencePiece carries a private copy of protobuf-lite
 * whose symbols clash with the protobuf that LibTorch links, and a process that has both loaded
 * the ordinary way crashes before main(). GeoLens therefore never links SentencePiece into a
 * program: the tokenizer loads this library at run time with dlopen(RTLD_LOCAL, and RTLD_DEEPBIND
 * when a protobuf is in the global namespace),
 * so SentencePiece and its protobuf resolve only against each other. Only plain C types cross the
 * boundary, and no C++ exception ever leaves the library.
 *
 * Memory: every buffer the library hands out (error messages, pieces, id arrays, decoded text) is
 * allocated by the library and must be given back with geolens_spm_release(), never with the
 * caller's free(): the two sides may not share an allocator.
 *
 * Text is UTF-8 and always passed with an explicit length; returned strings additionally end
 * with a NUL that the returned length does not count.
 */

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define GEOLENS_SPM_EXPORT __attribute__((visibility("default")))
#else
#define GEOLENS_SPM_EXPORT
#endif

/* Bumped whenever a function below changes; the loader refuses a library of another version. */
#define GEOLENS_SPM_INTERFACE_VERSION 1

typedef struct GeolensSpmProcessor GeolensSpmProcessor;

GEOLENS_SPM_EXPORT int geolens_spm_interface_version(void);

/* Gives back a buffer the library allocated; null is allowed. */
GEOLENS_SPM_EXPORT void geolens_spm_release(void *buffer);

/* Loads a SentencePiece model file. On failure returns null and, when error is not null, stores
 * a message (release it) in *error. */
GEOLENS_SPM_EXPORT GeolensSpmProcessor *geolens_spm_create(const char *model_path, char **error);
GEOLENS_SPM_EXPORT void geolens_spm_destroy(GeolensSpmProcessor *processor);

GEOLENS_SPM_EXPORT int geolens_spm_piece_count(const GeolensSpmProcessor *processor);
GEOLENS_SPM_EXPORT int geolens_spm_bos_id(const GeolensSpmProcessor *processor);
GEOLENS_SPM_EXPORT int geolens_spm_eos_id(const GeolensSpmProcessor *processor);
GEOLENS_SPM_EXPORT int geolens_spm_unk_id(const GeolensSpmProcessor *processor);

/* The id of a piece (e.g. "\xE2\x96\x81Hello" or "<0x0A>"); the unknown id when there is none. */
GEOLENS_SPM_EXPORT int geolens_spm_piece_to_id(const GeolensSpmProcessor *processor, const char *piece,
                                               size_t piece_length);

/* Stores the piece of id in *piece (release it) and its length in *length. Returns 0, or -1 when
 * id is not a piece of the model. */
GEOLENS_SPM_EXPORT int geolens_spm_id_to_piece(const GeolensSpmProcessor *processor, int id, char **piece,
                                               size_t *length);

/* 1 when id is a byte-fallback piece (<0x00> ... <0xFF>), 0 otherwise (also for an invalid id). */
GEOLENS_SPM_EXPORT int geolens_spm_is_byte(const GeolensSpmProcessor *processor, int id);

/* SentencePiece's normal encoding (with the model's dummy-prefix space, no BOS or EOS). Stores
 * the ids in *ids (release it; may be null when *count is 0) and their number in *count.
 * Returns 0, or -1 with a message in *error (when error is not null). */
GEOLENS_SPM_EXPORT int geolens_spm_encode(const GeolensSpmProcessor *processor, const char *text,
                                          size_t text_length, int **ids, size_t *count, char **error);

/* SentencePiece's decoding of ids into UTF-8 text (*text, release it; *length bytes). Returns 0,
 * or -1 with a message in *error (when error is not null), e.g. for an id out of range. */
GEOLENS_SPM_EXPORT int geolens_spm_decode(const GeolensSpmProcessor *processor, const int *ids, size_t count,
                                          char **text, size_t *length, char **error);

#ifdef __cplusplus
}
#endif

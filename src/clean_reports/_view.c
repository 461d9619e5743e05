/* The normalised view of a text in one pass: the compiled form of the pure-Python
 * clean_reports.view.normalized_view (see clean_reports/_compiled_view.py).
 *
 * build(original, simplify) returns (text, view_starts, origin_starts, break_lengths,
 * by_opencc): the view's text and the segments of View (empty lists when nothing was
 * dropped and no CR seen: the view maps one to one), and whether OpenCC must convert
 * the text as a whole (a character only it can convert in context, or a phrase it
 * converts otherwise than character by character); the text is then NFKC alone.
 * Each character of the original is looked up once in a two-level table generated at
 * build time (_view_tables.h): dropped (Unicode Cf, Zs and tab), a CR, or the view's
 * character (one-character NFKC, then OpenCC's conversion of that one character when
 * simplify is true; NFKC alone when it is false, for a text OpenCC must convert as a
 * whole).
 *
 * It pays: on the bench corpus (bench/view_time.py, 1,690 characters a file) the view
 * takes 5-7 us a file here against 72-85 us in Python. A Cython version of the same loop
 * measured the same (4.7-5.4 us), so it is plain C: no build dependency but a compiler.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>

/* A character that marks a text that may hold a phrase OpenCC converts otherwise than
 * per character: the phrase (in the view's form) is PHRASE_TEXT[start:start + length],
 * with that character at offset. */
typedef struct {
    uint32_t character;
    uint32_t offset;
    uint32_t start;
    uint32_t length;
} Trigger;

#include "_view_tables.h"

#define MAPPED (1u << 21)
#define DROPPED (1u << 22)
#define LINE_BREAK (1u << 23)
#define PHRASE (1u << 24)
#define CONTEXT (1u << 25)
#define CODE_MASK ((1u << 21) - 1)

#if defined(_MSC_VER)
#define ALWAYS_INLINE __forceinline
#else
#define ALWAYS_INLINE inline __attribute__((always_inline))
#endif

static ALWAYS_INLINE uint32_t
final_entry(Py_UCS4 c)
{
    return final_blocks[final_index[c >> 8]][c & 0xFF];
}

static ALWAYS_INLINE Py_UCS4
nfkc_char(Py_UCS4 c)
{
    if (c >= 0x10000) {
        return c;
    }
    uint32_t plain = nfkc_blocks[nfkc_index[c >> 8]][c & 0xFF];
    return plain ? (Py_UCS4)plain : c;
}

/* Segments as (view start, origin start, break length) triples. */
typedef struct {
    Py_ssize_t *data;
    Py_ssize_t count;
    Py_ssize_t capacity;
} Segments;

static int
push(Segments *segments, Py_ssize_t view, Py_ssize_t origin, Py_ssize_t break_length)
{
    if (segments->count == segments->capacity) {
        Py_ssize_t capacity = segments->capacity ? segments->capacity * 2 : 64;
        Py_ssize_t *data = PyMem_Realloc(segments->data, (size_t)capacity * 3 * sizeof(Py_ssize_t));
        if (data == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        segments->data = data;
        segments->capacity = capacity;
    }
    Py_ssize_t *at = segments->data + 3 * segments->count++;
    at[0] = view;
    at[1] = origin;
    at[2] = break_length;
    return 0;
}

/* Growable array of view positions of PHRASE characters. */
typedef struct {
    Py_ssize_t *data;
    Py_ssize_t count;
    Py_ssize_t capacity;
} Positions;

static int
remember(Positions *positions, Py_ssize_t position)
{
    if (positions->count == positions->capacity) {
        Py_ssize_t capacity = positions->capacity ? positions->capacity * 2 : 16;
        Py_ssize_t *data = PyMem_Realloc(positions->data, (size_t)capacity * sizeof(Py_ssize_t));
        if (data == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        positions->data = data;
        positions->capacity = capacity;
    }
    positions->data[positions->count++] = position;
    return 0;
}

typedef struct {
    Py_ssize_t length;   /* of the view */
    Py_UCS4 maxchar;
    int changed;         /* a character of the view differs from its original */
    int segmented;       /* anything dropped or a CR: the segments are the map */
    uint32_t flags;
} Scan;

/* One pass over the original: writes the view to out and its segments. kind is a
 * constant where this is inlined, so each string kind gets its own loop. */
static ALWAYS_INLINE int
scan(const int kind, const void *data, Py_ssize_t n, int simplify, Py_UCS4 *out,
     Segments *segments, Positions *phrases, Scan *result)
{
    Py_ssize_t at = 0, position = 0, i = 0;
    Py_UCS4 maxchar = 0;
    uint32_t flags = 0;
    int changed = 0;
    while (i < n) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        uint32_t entry = final_entry(c);
        if (!(entry & (DROPPED | LINE_BREAK))) {
            Py_UCS4 v;
            if (simplify) {
                v = (entry & MAPPED) ? (Py_UCS4)(entry & CODE_MASK) : c;
                flags |= entry;
                if ((entry & PHRASE) && remember(phrases, at) < 0) {
                    return -1;
                }
            }
            else {
                v = nfkc_char(c);
            }
            changed |= v != c;
            maxchar = v > maxchar ? v : maxchar;
            out[at++] = v;
            i++;
            continue;
        }
        Py_ssize_t start = i++;
        if (entry & DROPPED) {
            while (i < n && (final_entry(PyUnicode_READ(kind, data, i)) & DROPPED)) {
                i++;
            }
        }
        else if (i < n && PyUnicode_READ(kind, data, i) == '\n') {
            i++;
        }
        if (start > position && push(segments, at - (start - position), position, 0) < 0) {
            return -1;
        }
        if (entry & LINE_BREAK) {
            if (push(segments, at, start, i - start) < 0) {
                return -1;
            }
            out[at++] = '\n';
            maxchar = maxchar > '\n' ? maxchar : '\n';
        }
        position = i;
    }
    if (position > 0 && position < n &&
        push(segments, at - (n - position), position, 0) < 0) {
        return -1;
    }
    result->length = at;
    result->maxchar = maxchar;
    result->changed = changed;
    result->segmented = position > 0;
    result->flags = flags & CONTEXT;
    return 0;
}

/* Whether the view holds, around one of the positions, a phrase that OpenCC
 * converts otherwise than character by character. */
static int
holds_phrase(const Py_UCS4 *out, Py_ssize_t length, const Positions *phrases)
{
    for (Py_ssize_t k = 0; k < phrases->count; k++) {
        Py_ssize_t at = phrases->data[k];
        Py_UCS4 c = out[at];
        Py_ssize_t low = 0, high = TRIGGERS;
        while (low < high) { /* the first trigger for c */
            Py_ssize_t middle = (low + high) / 2;
            if (TRIGGER[middle].character < c) {
                low = middle + 1;
            }
            else {
                high = middle;
            }
        }
        for (Py_ssize_t t = low; t < TRIGGERS && TRIGGER[t].character == c; t++) {
            const Trigger *trigger = &TRIGGER[t];
            Py_ssize_t start = at - (Py_ssize_t)trigger->offset;
            if (start < 0 || start + (Py_ssize_t)trigger->length > length) {
                continue;
            }
            if (memcmp(out + start, PHRASE_TEXT + trigger->start,
                       trigger->length * sizeof(Py_UCS4)) == 0) {
                return 1;
            }
        }
    }
    return 0;
}

static PyObject *
make_text(const Py_UCS4 *out, const Scan *scanned)
{
    PyObject *text = PyUnicode_New(scanned->length, scanned->maxchar);
    if (text == NULL) {
        return NULL;
    }
    void *data = PyUnicode_DATA(text);
    Py_ssize_t n = scanned->length;
    switch (PyUnicode_KIND(text)) {
    case PyUnicode_1BYTE_KIND:
        for (Py_ssize_t i = 0; i < n; i++) {
            ((Py_UCS1 *)data)[i] = (Py_UCS1)out[i];
        }
        break;
    case PyUnicode_2BYTE_KIND:
        for (Py_ssize_t i = 0; i < n; i++) {
            ((Py_UCS2 *)data)[i] = (Py_UCS2)out[i];
        }
        break;
    default:
        memcpy(data, out, (size_t)n * sizeof(Py_UCS4));
    }
    return text;
}

static PyObject *
segment_list(const Segments *segments, int column)
{
    PyObject *list = PyList_New(segments->count);
    if (list == NULL) {
        return NULL;
    }
    for (Py_ssize_t k = 0; k < segments->count; k++) {
        PyObject *value = PyLong_FromSsize_t(segments->data[3 * k + column]);
        if (value == NULL) {
            Py_DECREF(list);
            return NULL;
        }
        PyList_SET_ITEM(list, k, value);
    }
    return list;
}

static PyObject *
build(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    (void)module;
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "build(original, simplify) takes two arguments");
        return NULL;
    }
    PyObject *original = args[0];
    if (!PyUnicode_Check(original)) {
        PyErr_SetString(PyExc_TypeError, "build: original must be a str");
        return NULL;
    }
    int simplify = PyObject_IsTrue(args[1]);
    if (simplify < 0) {
        return NULL;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(original);
    const void *data = PyUnicode_DATA(original);
    Py_UCS4 *out = PyMem_Malloc((size_t)(n ? n : 1) * sizeof(Py_UCS4));
    if (out == NULL) {
        return PyErr_NoMemory();
    }
    Segments segments = {NULL, 0, 0};
    Positions phrases = {NULL, 0, 0};
    Scan scanned;
    int failed;
    switch (PyUnicode_KIND(original)) {
    case PyUnicode_1BYTE_KIND:
        failed = scan(PyUnicode_1BYTE_KIND, data, n, simplify, out, &segments, &phrases,
                      &scanned);
        break;
    case PyUnicode_2BYTE_KIND:
        failed = scan(PyUnicode_2BYTE_KIND, data, n, simplify, out, &segments, &phrases,
                      &scanned);
        break;
    default:
        failed = scan(PyUnicode_4BYTE_KIND, data, n, simplify, out, &segments, &phrases,
                      &scanned);
    }
    PyObject *result = NULL, *text = NULL;
    PyObject *view_starts = NULL, *origin_starts = NULL, *break_lengths = NULL;
    if (failed) {
        goto done;
    }
    int by_opencc = (scanned.flags & CONTEXT) != 0 ||
                    holds_phrase(out, scanned.length, &phrases);
    if (!scanned.segmented && !scanned.changed) {
        text = Py_NewRef(original);
    }
    else {
        text = make_text(out, &scanned);
    }
    if (text == NULL) {
        goto done;
    }
    view_starts = segment_list(&segments, 0);
    origin_starts = view_starts ? segment_list(&segments, 1) : NULL;
    break_lengths = origin_starts ? segment_list(&segments, 2) : NULL;
    if (break_lengths == NULL) {
        goto done;
    }
    result = Py_BuildValue("(OOOOO)", text, view_starts, origin_starts, break_lengths,
                           by_opencc ? Py_True : Py_False);
done:
    Py_XDECREF(text);
    Py_XDECREF(view_starts);
    Py_XDECREF(origin_starts);
    Py_XDECREF(break_lengths);
    PyMem_Free(segments.data);
    PyMem_Free(phrases.data);
    PyMem_Free(out);
    return result;
}

static PyObject *
entry(PyObject *module, PyObject *code)
{
    (void)module;
    long c = PyLong_AsLong(code);
    if (c == -1 && PyErr_Occurred()) {
        return NULL;
    }
    if (c < 0 || c > 0x10FFFF) {
        PyErr_SetString(PyExc_ValueError, "entry: not a code point");
        return NULL;
    }
    return PyLong_FromUnsignedLong(final_entry((Py_UCS4)c));
}

static PyMethodDef methods[] = {
    {"entry", entry, METH_O, "entry(code) -> the table's entry for a code point"},
    {"build", (PyCFunction)(void (*)(void))build, METH_FASTCALL,
     "build(original, simplify) -> (text, view_starts, origin_starts, break_lengths, by_opencc)"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_definition = {
    PyModuleDef_HEAD_INIT, "_clean_reports_view",
    "The normalised view of clean_reports, built in compiled code.", -1, methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC
PyInit__clean_reports_view(void)
{
    PyObject *module = PyModule_Create(&module_definition);
    if (module == NULL) {
        return NULL;
    }
    if (PyModule_AddStringConstant(module, "FINGERPRINT", FINGERPRINT) < 0) {
        goto error;
    }
    return module;
error:
    Py_DECREF(module);
    return NULL;
}

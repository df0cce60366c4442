/* Loops of zdr.detect in C, each the twin of a Python reference (named below, the
 * code that runs without a C compiler; tests/detect/test_runs.py and, for the secret
 * detector's, test_runs_secrets.py hold each pair equal with hypothesis):
 *   capitalised_words  names.capitalised_words   the person detector's words
 *   number_runs        patterns.number_runs      the phone detector's candidates
 *   word_before        names.word_before         the word before a capitalised word
 *   cue_before         names.cue_before          that word, when it may cue a name
 *   bare_words         names.bare_words          each capitalised word lower-cased,
 *                                                without its final "." and "'s"
 *   word_starts        model.word_starts         where a word with one of some first
 *                                                characters begins (birth dates)
 *   span               model.span                a Span (start, end, label), made as
 *                                                tuple.__new__ makes one, in one step
 *   collect, add_hits  scan.collect, add_hits    a scan's matches, kept as they come,
 *                                                then in characters, one per start
 *   mentions_taken     names.mentions_taken      the names found and their other
 *                                                mentions, without overlaps
 *   values_at_runs     model.values_at_runs      many values' occurrences in a long
 *                                                text, found at its runs of letters
 *                                                and digits
 *   shannon_entropy    validators.shannon_entropy  bits per character of a value
 *   typed_runs         validators.typed_runs     whether a value is mostly runs of
 *                                                repeated or consecutive characters
 *   any_in             validators.any_in         whether one of some words occurs in a
 *                                                value (a documentation word, a template)
 *   counts_up          validators.counts_up      whether a value mostly counts up or
 *                                                down (a1b2c3, abc123xyz)
 *   placeholder        validators.placeholder    a documentation or template value, the
 *                                                test every secret rule asks (with the
 *                                                four above and _repeated_unit in one call)
 *   typed_stretch      validators.typed_stretch  six typed characters in a row (000000,
 *                                                123456) where a generated value belongs
 *   resolve            engine.resolve            non-overlapping spans of all found
 *   card_starts        patterns.card_starts      where a card number can begin
 *   number_word_starts patterns.number_word_starts  where "742 Evergreen" can begin
 *   json_colons        gateway.canonical.json_colons  the ':' of a JSON body, unless
 *                                                it escapes a character as \u003X
 *   json_strings       pseudonymize.restore.json_strings  where each string literal of
 *                                                a JSON body begins and ends
 *   code_like          secrets._code_like_in_python  whether a value is code (a variable,
 *                                                an attribute, a call), not a secret
 *   about_name         secrets._about_name_in_python  whether an assignment's name says
 *                                                the value is about a secret, or names it
 * They replace what profiles showed costly (json_colons: bytes.count's per-byte loop,
 * where memchr skips to each of the few bytes looked for): Python's regex engine testing a
 * character class at every position (~6 ns a character) and making a match object
 * per find, tuples made per occurrence, interpreted code (a NamedTuple constructor).
 *
 * They only read their arguments (every index checked against the length) and return
 * new objects; what they keep is a cache of the last argument they were given (a word
 * index, cue_before's filter of its cue set), held by a strong reference.
 * scripts/sanitize runs the tests under ASan/UBSan. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <string.h>

/* Strings are always ready from Python 3.12, which deprecates the check. */
#if PY_VERSION_HEX >= 0x030C0000
#define READY(o) 0
#else
#define READY(o) PyUnicode_READY(o)
#endif

static inline int is_ascii_digit(Py_UCS4 c) { return c >= '0' && c <= '9'; }

static inline int is_ascii_letter(Py_UCS4 c) {
    return c < 128 && (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

/* [A-ZÀ-ÖØ-Þ] */
static inline int is_upper_latin1(Py_UCS4 c) {
    return (c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0xD6) || (c >= 0xD8 && c <= 0xDE);
}

/* Latin Extended-B (U+0180-U+024F) and Latin Extended Additional (U+1E00-U+1EFF),
 * whose letters count by their own case, as in names._UPPER and names._LOWER
 * (Latin Extended-A counts as both cases). */
static inline int is_latin_extended(Py_UCS4 c) {
    return (c >= 0x180 && c <= 0x24F) || (c >= 0x1E00 && c <= 0x1EFF);
}

/* [A-ZÀ-ÖØ-ÞĀ-ſ] and the upper-case letters of Latin Extended-B and Additional */
static inline int is_upper(Py_UCS4 c) {
    return is_upper_latin1(c) || (c >= 0x100 && c <= 0x17F) ||
           (is_latin_extended(c) && Py_UNICODE_ISUPPER(c));
}

/* [a-zß-öø-ÿā-ſ] and the lower-case letters of Latin Extended-B and Additional */
static inline int is_lower(Py_UCS4 c) {
    return (c >= 'a' && c <= 'z') || (c >= 0xDF && c <= 0xF6) || (c >= 0xF8 && c <= 0xFF) ||
           (c >= 0x101 && c <= 0x17F) || (is_latin_extended(c) && Py_UNICODE_ISLOWER(c));
}

/* str.isalnum and str.isdecimal, with the answer for ASCII inline (CPython's own
 * tests are a function call per character class). */
static inline int is_alnum(Py_UCS4 c) {
    return c < 128 ? is_ascii_digit(c) || is_ascii_letter(c) : Py_UNICODE_ISALNUM(c);
}

static inline int is_decimal(Py_UCS4 c) { return c < 128 ? is_ascii_digit(c) : Py_UNICODE_ISDECIMAL(c); }

/* \w of a str pattern (the regex engine's own test). */
static inline int is_word(Py_UCS4 c) { return is_alnum(c) || c == '_'; }

typedef struct {
    int kind;
    const void *data;
    Py_ssize_t n;
} Text;

static inline Py_UCS4 at(const Text *t, Py_ssize_t i) { return PyUnicode_READ(t->kind, t->data, i); }

/* A str argument as a Text, or -1 with a TypeError that names the function (never
 * the value). */
static int read_text(PyObject *o, const char *function, Text *t) {
    if (!PyUnicode_Check(o)) {
        PyErr_Format(PyExc_TypeError, "%s takes a str", function);
        return -1;
    }
    if (READY(o) < 0) return -1;
    *t = (Text){PyUnicode_KIND(o), PyUnicode_DATA(o), PyUnicode_GET_LENGTH(o)};
    return 0;
}

/* Appends a new object (NULL: making it failed) to a list, which then holds the only
 * reference: 0, or -1 with an exception set. */
static int append_new(PyObject *list, PyObject *item) {
    if (item == NULL) return -1;
    int failed = PyList_Append(list, item);
    Py_DECREF(item);
    return failed;
}

static PyObject *pair(Py_ssize_t a, Py_ssize_t b) {
    PyObject *x = PyLong_FromSsize_t(a), *y = PyLong_FromSsize_t(b);
    PyObject *item = x != NULL && y != NULL ? PyTuple_Pack(2, x, y) : NULL;
    Py_XDECREF(x);
    Py_XDECREF(y);
    return item;
}

/* (a, b, text[a:b]) */
static PyObject *word_at(PyObject *text, Py_ssize_t a, Py_ssize_t b) {
    PyObject *x = PyLong_FromSsize_t(a), *y = PyLong_FromSsize_t(b);
    PyObject *word = PyUnicode_Substring(text, a, b);
    PyObject *item = x != NULL && y != NULL && word != NULL ? PyTuple_Pack(3, x, y, word) : NULL;
    Py_XDECREF(x);
    Py_XDECREF(y);
    Py_XDECREF(word);
    return item;
}

/* For each character below U+0100: a letter or digit, "@", "." or "_", after which
 * neither a capitalised word nor a mention of a name begins (filled when the module
 * loads). */
static unsigned char in_a_word[256];

static inline int inside_word(Py_UCS4 c) { return c < 256 ? in_a_word[c] : is_alnum(c); }

/* Whether one of the eight bytes of x lies in first..last (ASCII): "hasbetween(x,
 * first - 1, last + 1)" of Bit Twiddling Hacks, exact for every byte (the high bit of
 * each lane is set where that byte is below 128, above first - 1 and below last + 1;
 * no lane carries into the next). */
#define LANES(b) (0x0101010101010101ULL * (uint64_t)(b))
static inline int has_between(uint64_t x, unsigned first, unsigned last) {
    uint64_t low7 = x & LANES(127);
    return ((LANES(127 + last + 1) - low7) & ~x & (low7 + LANES(127 - (first - 1))) & LANES(128)) != 0;
}

static inline int has_ascii_digit(uint64_t x) { return has_between(x, '0', '9'); }

/* Whether one of the eight bytes of x may be an upper-case letter of Latin-1: one of
 * A-Z, or a byte from 0xC0 on (bits 7 and 6 both set; more than [À-ÖØ-Þ], checked one
 * at a time after). */
static inline int may_hold_upper(uint64_t x) {
    return has_between(x, 'A', 'Z') || (x & (x << 1) & LANES(128)) != 0;
}

/* The first position from p holding a digit (ASCII only, or any decimal digit),
 * reading the text at its own width: most characters are not digits. */
static Py_ssize_t next_digit(const Text *t, Py_ssize_t p, int ascii_only) {
    if (t->kind == PyUnicode_1BYTE_KIND) { /* Latin-1 holds no decimal digit but 0-9 */
        const Py_UCS1 *s = t->data;
        /* Eight characters at a time past those without a digit, then the one. */
        while (p + 8 <= t->n) {
            uint64_t x;
            memcpy(&x, s + p, 8);
            if (has_ascii_digit(x)) break;
            p += 8;
        }
        while (p < t->n && !is_ascii_digit(s[p])) p++;
    } else if (t->kind == PyUnicode_2BYTE_KIND) {
        const Py_UCS2 *s = t->data;
        while (p < t->n && !(ascii_only ? is_ascii_digit(s[p]) : is_decimal(s[p]))) p++;
    } else {
        while (p < t->n && !(ascii_only ? is_ascii_digit(at(t, p)) : is_decimal(at(t, p)))) p++;
    }
    return p;
}

/* (?![\w@]) at i */
static inline int word_ends(const Text *t, Py_ssize_t i) {
    if (i >= t->n) return 1;
    Py_UCS4 c = at(t, i);
    return !(is_word(c) || c == '@');
}

/* \.?(?![\w@]) at i, the dot taken first as the greedy regex does: the end, or -1. */
static inline Py_ssize_t dot_then_end(const Text *t, Py_ssize_t i) {
    if (i < t->n && at(t, i) == '.' && word_ends(t, i + 1)) return i + 1;
    return word_ends(t, i) ? i : -1;
}

/* [U][L'’]*[L](?:-[U][L]+)?\.?(?![\w@]) | [U]\.(?=\s) at p (text[p] is in [U]),
 * tried in the regex engine's order (greedy, backtracking): the end, or -1. */
/* The rest of a capitalised word from s, where [L'’]*[L](?:-[U][L]+)?\.?(?![\w@])
 * begins; its end, or -1. */
static Py_ssize_t token_rest(const Text *t, Py_ssize_t s) {
    Py_ssize_t n = t->n, q = s;
    while (q < n) {
        Py_UCS4 c = at(t, q);
        if (!(is_lower(c) || c == '\'' || c == 0x2019)) break;
        q++;
    }
    for (Py_ssize_t e = q; e >= s + 1; e--) { /* [L'’]* gives back until [L] matches */
        if (!is_lower(at(t, e - 1))) continue;
        if (e + 2 < n && at(t, e) == '-' && is_upper(at(t, e + 1)) && is_lower(at(t, e + 2))) {
            Py_ssize_t r = e + 2;
            while (r < n && is_lower(at(t, r))) r++;
            for (Py_ssize_t f = r; f >= e + 3; f--) {
                Py_ssize_t end = dot_then_end(t, f);
                if (end >= 0) return end;
            }
        }
        Py_ssize_t end = dot_then_end(t, e);
        if (end >= 0) return end;
    }
    return -1;
}

/* [U](?:(?:[L]{1,2}|['’])[U])?[L'’]*[L](?:-[U][L]+)?\.?(?![\w@]) | [U]\.(?=\s) at p (an
 * upper-case letter): its end, or -1. The optional prefix ("Mc", "Mac", "O'", "De",
 * "Di" before a capital) is tried first, longest first, as the regex does. */
static Py_ssize_t token_at(const Text *t, Py_ssize_t p) {
    Py_ssize_t n = t->n;
    if (p + 2 < n && is_lower(at(t, p + 1))) {
        if (p + 3 < n && is_lower(at(t, p + 2)) && is_upper(at(t, p + 3))) {
            Py_ssize_t end = token_rest(t, p + 4);
            if (end >= 0) return end;
        }
        if (is_upper(at(t, p + 2))) {
            Py_ssize_t end = token_rest(t, p + 3);
            if (end >= 0) return end;
        }
    }
    if (p + 2 < n && (at(t, p + 1) == '\'' || at(t, p + 1) == 0x2019) && is_upper(at(t, p + 2))) {
        Py_ssize_t end = token_rest(t, p + 3);
        if (end >= 0) return end;
    }
    Py_ssize_t end = token_rest(t, p + 1);
    if (end >= 0) return end;
    if (p + 2 < n && at(t, p + 1) == '.' && Py_UNICODE_ISSPACE(at(t, p + 2))) return p + 2;
    return -1;
}

static PyObject *capitalised_words(PyObject *Py_UNUSED(module), PyObject *arg) {
    Text t;
    if (read_text(arg, "capitalised_words()", &t) < 0) return NULL;
    PyObject *out = PyList_New(0);
    if (out == NULL) return NULL;
    Py_ssize_t p = 0;
    while (p < t.n) {
        if (!is_upper(at(&t, p))) {
            p++;
            /* Skip to the next candidate reading the text's own width, not through
             * PyUnicode_READ's switch on it. */
            if (t.kind == PyUnicode_1BYTE_KIND) {
                const Py_UCS1 *s = t.data;
                while (p + 8 <= t.n) { /* eight at a time past those with no capital */
                    uint64_t x;
                    memcpy(&x, s + p, 8);
                    if (may_hold_upper(x)) break;
                    p += 8;
                }
                while (p < t.n && !is_upper(s[p])) p++;
            } else if (t.kind == PyUnicode_2BYTE_KIND) {
                const Py_UCS2 *s = t.data;
                while (p < t.n && !is_upper(s[p])) p++;
            }
            continue;
        }
        Py_ssize_t end = token_at(&t, p);
        if (end < 0) {
            p++;
            continue;
        }
        /* Not right after a letter, a digit, "_", "@" or "." (names.starts_word). */
        if ((p == 0 || !inside_word(at(&t, p - 1))) && append_new(out, word_at(arg, p, end)) < 0) {
            Py_DECREF(out);
            return NULL;
        }
        p = end;
    }
    return out;
}

/* \d[\d ().\-/]{5,24}\d\)? at p (text[p] is a decimal digit), as the regex engine
 * tries it: the longest run of up to 24 such characters that a digit follows. */
static inline int in_number(Py_UCS4 c) {
    return is_decimal(c) || c == ' ' || c == '(' || c == ')' || c == '.' || c == '-' || c == '/';
}

static Py_ssize_t number_at(const Text *t, Py_ssize_t p) {
    Py_ssize_t n = t->n, run = 0;
    while (run < 25 && p + 1 + run < n && in_number(at(t, p + 1 + run))) run++;
    /* {5,24} takes k characters, then \d is the next one (inside the run) */
    for (Py_ssize_t k = run - 1 < 24 ? run - 1 : 24; k >= 5; k--) {
        if (is_decimal(at(t, p + 1 + k))) {
            Py_ssize_t end = p + 2 + k;
            return end < n && at(t, end) == ')' ? end + 1 : end;
        }
    }
    return -1;
}

/* number_runs(text, other_digits=True): other_digits is the Python reference's
 * choice of regex; this loop reads every script's digits alike. */
static PyObject *number_runs(PyObject *Py_UNUSED(module), PyObject *const *args, Py_ssize_t nargs) {
    Text t;
    if (nargs < 1 || nargs > 2) {
        PyErr_SetString(PyExc_TypeError, "number_runs(text: str, other_digits: bool = True)");
        return NULL;
    }
    if (read_text(args[0], "number_runs()", &t) < 0) return NULL;
    PyObject *out = PyList_New(0);
    if (out == NULL) return NULL;
    for (Py_ssize_t p = next_digit(&t, 0, 0); p < t.n; p = next_digit(&t, p, 0)) {
        Py_ssize_t end = number_at(&t, p);
        if (end < 0) {
            p++;
            continue;
        }
        if (append_new(out, pair(p, end)) < 0) {
            Py_DECREF(out);
            return NULL;
        }
        p = end;
    }
    return out;
}

/* Where the last whitespace-separated word of text[max(0, end - window):end] lies:
 * [*i, *j), empty if there is none; -1 with an exception for bad arguments. */
static int word_bounds(PyObject *const *args, const char *function, Text *t, Py_ssize_t *i,
                       Py_ssize_t *j) {
    if (!PyLong_Check(args[1]) || !PyLong_Check(args[2])) {
        PyErr_Format(PyExc_TypeError, "%s: end and window must be int", function);
        return -1;
    }
    if (read_text(args[0], function, t) < 0) return -1;
    Py_ssize_t end = PyLong_AsSsize_t(args[1]), window = PyLong_AsSsize_t(args[2]);
    if ((end == -1 || window == -1) && PyErr_Occurred()) return -1;
    if (end < 0 || window < 0) {
        PyErr_Format(PyExc_ValueError, "%s: end and window must not be negative", function);
        return -1;
    }
    Py_ssize_t low = end - window > 0 ? end - window : 0; /* as the slice, from end */
    if (end > t->n) end = t->n;
    if (low > end) low = end;
    *j = end;
    while (*j > low && Py_UNICODE_ISSPACE(at(t, *j - 1))) (*j)--;
    *i = *j;
    while (*i > low && !Py_UNICODE_ISSPACE(at(t, *i - 1))) (*i)--;
    return 0;
}

/* The last whitespace-separated word of text[max(0, end - window):end], or "". */
static PyObject *word_before(PyObject *Py_UNUSED(module), PyObject *const *args, Py_ssize_t nargs) {
    Text t;
    Py_ssize_t i, j;
    if (nargs != 3) {
        PyErr_SetString(PyExc_TypeError, "word_before(text: str, end: int, window: int)");
        return NULL;
    }
    if (word_bounds(args, "word_before()", &t, &i, &j) < 0) return NULL;
    return PyUnicode_Substring(args[0], i, j);
}

static int in_str(const Text *set, Py_UCS4 c);

/* A filter of the cue words, made from the set of the last call (a frozenset whose
 * elements are all exact str, held by a strong reference: the detector passes the same
 * one each time): for each length up to CUE_LEN, the first and the last characters of
 * its words, one bit each (ASCII; bit 127 for any other). A word whose length or end
 * characters no word of the set has is not in it, and is neither made nor hashed (the
 * usual word before a capitalised one). Any other set is looked up unfiltered. */
#define CUE_LEN 31
static PyObject *cue_set = NULL;
static int cue_filtered = 0;
static uint64_t cue_first[CUE_LEN + 1][2], cue_last[CUE_LEN + 1][2];

static inline unsigned cue_bit(Py_UCS4 c) { return c < 127 ? (unsigned)c : 127u; }

static inline int cue_has(const uint64_t bits[2], Py_UCS4 c) {
    unsigned b = cue_bit(c);
    return (int)((bits[b >> 6] >> (b & 63)) & 1u);
}

/* Makes the filter for `set` unless it is the one made last; -1 with an exception. */
static int cue_filter(PyObject *set) {
    if (set == cue_set) return 0;
    int filtered = PyFrozenSet_CheckExact(set);
    uint64_t first[CUE_LEN + 1][2] = {{0}}, last[CUE_LEN + 1][2] = {{0}};
    if (filtered) {
        PyObject *it = PyObject_GetIter(set), *word;
        if (it == NULL) return -1;
        while ((word = PyIter_Next(it)) != NULL) {
            Py_ssize_t n = PyUnicode_CheckExact(word) && READY(word) == 0 ? PyUnicode_GET_LENGTH(word) : -1;
            if (n >= 1 && n <= CUE_LEN) {
                unsigned f = cue_bit(PyUnicode_READ_CHAR(word, 0)), l = cue_bit(PyUnicode_READ_CHAR(word, n - 1));
                first[n][f >> 6] |= 1ULL << (f & 63);
                last[n][l >> 6] |= 1ULL << (l & 63);
            } else {
                filtered = 0; /* "", a longer word or no str: no filter */
            }
            Py_DECREF(word);
        }
        Py_DECREF(it);
        if (PyErr_Occurred()) return -1;
    }
    /* The tables first, the old set freed last: freeing it may run code (a subclass's
     * __del__) that calls here again, which must find the state whole (review31b). */
    PyObject *old = cue_set;
    cue_filtered = filtered;
    memcpy(cue_first, first, sizeof first);
    memcpy(cue_last, last, sizeof last);
    cue_set = Py_NewRef(set);
    Py_XDECREF(old);
    return 0;
}

/* That word when it may cue a name: its last character is one of `label_ends`, or,
 * without the `strip` characters around it and its final dots, it is one of `cues`;
 * else "". Only that bare word is made for the usual word, for the set look-up. */
static PyObject *cue_before(PyObject *Py_UNUSED(module), PyObject *const *args, Py_ssize_t nargs) {
    Text t, strip, ends;
    Py_ssize_t i, j;
    if (nargs != 6 || !PyAnySet_Check(args[5])) {
        PyErr_SetString(PyExc_TypeError, "cue_before(text: str, end: int, window: int, strip: str, "
                                         "label_ends: str, cues: frozenset[str])");
        return NULL;
    }
    if (word_bounds(args, "cue_before()", &t, &i, &j) < 0 ||
        read_text(args[3], "cue_before()", &strip) < 0 ||
        read_text(args[4], "cue_before()", &ends) < 0)
        return NULL;
    if (i == j || in_str(&ends, at(&t, j - 1))) return PyUnicode_Substring(args[0], i, j);
    Py_ssize_t a = i, b = j;
    Py_UCS4 last = at(&t, j - 1);
    if (in_str(&strip, at(&t, i)) || last == '.' || in_str(&strip, last)) {
        while (a < b && in_str(&strip, at(&t, a))) a++;
        while (b > a && in_str(&strip, at(&t, b - 1))) b--;
        while (b > a && at(&t, b - 1) == '.') b--;
    }
    if (cue_filter(args[5]) < 0) return NULL;
    if (cue_filtered && (b - a < 1 || b - a > CUE_LEN || !cue_has(cue_first[b - a], at(&t, a)) ||
                         !cue_has(cue_last[b - a], at(&t, b - 1))))
        return PyUnicode_Substring(args[0], i, i); /* "": no word of the set */
    PyObject *bare = PyUnicode_Substring(args[0], a, b);
    if (bare == NULL) return NULL;
    int cue = PySet_Contains(args[5], bare);
    Py_DECREF(bare);
    if (cue < 0) return NULL;
    return PyUnicode_Substring(args[0], i, cue ? j : i);
}

/* Positions p where text[p] is one of `first` and text[p - 1], if any, is neither a
 * \w character nor one of `not_after`. */
static int in_str(const Text *set, Py_UCS4 c) {
    for (Py_ssize_t i = 0; i < set->n; i++)
        if (at(set, i) == c) return 1;
    return 0;
}

static PyObject *word_starts(PyObject *Py_UNUSED(module), PyObject *const *args, Py_ssize_t nargs) {
    Text t, first, after;
    if (nargs != 3) {
        PyErr_SetString(PyExc_TypeError, "word_starts(text: str, first: str, not_after: str)");
        return NULL;
    }
    if (read_text(args[0], "word_starts()", &t) < 0 || read_text(args[1], "word_starts()", &first) < 0 ||
        read_text(args[2], "word_starts()", &after) < 0)
        return NULL;
    /* An ASCII table of `first`, so the usual character costs one look-up. */
    unsigned char ascii[128] = {0};
    for (Py_ssize_t i = 0; i < first.n; i++) {
        Py_UCS4 c = at(&first, i);
        if (c < 128) ascii[c] = 1;
    }
    PyObject *out = PyList_New(0);
    if (out == NULL) return NULL;
    for (Py_ssize_t p = 0; p < t.n; p++) {
        Py_UCS4 c = at(&t, p);
        if (!(c < 128 ? ascii[c] : in_str(&first, c))) continue;
        if (p > 0) {
            Py_UCS4 b = at(&t, p - 1);
            if (is_word(b) || in_str(&after, b)) continue;
        }
        if (append_new(out, PyLong_FromSsize_t(p)) < 0) {
            Py_DECREF(out);
            return NULL;
        }
    }
    return out;
}

/* span(type, start, end, label): what tuple.__new__(type, (start, end, label)) makes
 * for a tuple subclass (tuple_subtype_new in CPython), without the temporary tuple
 * and the attribute look-up and argument parsing of a call to tuple.__new__. */
static PyObject *span(PyObject *Py_UNUSED(module), PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 4 || !PyType_Check(args[0]) ||
        !PyType_IsSubtype((PyTypeObject *)args[0], &PyTuple_Type) || !PyLong_Check(args[1]) ||
        !PyLong_Check(args[2]) || !PyUnicode_Check(args[3])) {
        PyErr_SetString(PyExc_TypeError, "span(type: tuple subclass, start: int, end: int, label: str)");
        return NULL;
    }
    PyTypeObject *type = (PyTypeObject *)args[0];
    PyObject *item = type->tp_alloc(type, 3);
    if (item == NULL) return NULL;
    for (Py_ssize_t i = 0; i < 3; i++) {
        Py_INCREF(args[i + 1]);
        PyTuple_SET_ITEM(item, i, args[i + 1]);
    }
    if (!PyObject_GC_IsTracked(item)) PyObject_GC_Track(item);
    return item;
}

/* add_hits(hits, found, names, shift, data): see scan.add_hits, the reference. */
typedef struct { /* (start, end) */
    Py_ssize_t start, end;
} Pair;

static int by_value(const void *a, const void *b) {
    Py_ssize_t x = *(const Py_ssize_t *)a, y = *(const Py_ssize_t *)b;
    return (x > y) - (x < y);
}

/* The offsets (start, end) of one list of matches, or -1 with an exception set. */
static int read_pair(PyObject *item, Pair *out) {
    if (!PyTuple_Check(item) || PyTuple_GET_SIZE(item) != 2) {
        PyErr_SetString(PyExc_TypeError, "add_hits: a match is a (start, end) tuple");
        return -1;
    }
    out->start = PyLong_AsSsize_t(PyTuple_GET_ITEM(item, 0));
    out->end = PyLong_AsSsize_t(PyTuple_GET_ITEM(item, 1));
    return (out->start == -1 || out->end == -1) && PyErr_Occurred() ? -1 : 0;
}

/* Character offset of a byte offset: its index among the sorted byte offsets. */
static Py_ssize_t in_characters(Py_ssize_t byte, const Py_ssize_t *bytes,
                                const Py_ssize_t *chars, Py_ssize_t n) {
    Py_ssize_t lo = 0, hi = n;
    while (lo < hi) {
        Py_ssize_t mid = (lo + hi) / 2;
        if (bytes[mid] < byte) lo = mid + 1;
        else hi = mid;
    }
    return chars[lo];
}

/* One match of a scan: the anchor's index and its offsets. */
typedef struct {
    Py_ssize_t index, start, end;
} Match;

static int by_index_start_end(const void *a, const void *b) {
    const Match *x = a, *y = b;
    if (x->index != y->index) return x->index < y->index ? -1 : 1;
    if (x->start != y->start) return x->start < y->start ? -1 : 1;
    return (x->end > y->end) - (x->end < y->end);
}

static PyObject *add_hits(PyObject *Py_UNUSED(module), PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 5 || !PyDict_Check(args[0]) || !PyList_Check(args[1]) ||
        PyList_GET_SIZE(args[1]) % 3 != 0 || !PyTuple_Check(args[2]) || !PyTuple_Check(args[3]) ||
        !(args[4] == Py_None || PyBytes_Check(args[4]))) {
        PyErr_SetString(PyExc_TypeError,
                        "add_hits(hits: dict, found: list of index, start, end, names: tuple, "
                        "shift: tuple, data: bytes | None)");
        return NULL;
    }
    PyObject *hits = args[0], *found = args[1], *names = args[2], *shift = args[3];
    Py_ssize_t total = PyList_GET_SIZE(found) / 3;
    Match *matches = PyMem_Malloc(sizeof(Match) * (total ? total : 1));
    Py_ssize_t *bytes = NULL, *chars = NULL, n_offsets = 0;
    if (matches == NULL) return PyErr_NoMemory();
    for (Py_ssize_t i = 0; i < total; i++) {
        Match *m = &matches[i];
        m->index = PyLong_AsSsize_t(PyList_GET_ITEM(found, 3 * i));
        m->start = PyLong_AsSsize_t(PyList_GET_ITEM(found, 3 * i + 1));
        m->end = PyLong_AsSsize_t(PyList_GET_ITEM(found, 3 * i + 2));
        if ((m->index == -1 || m->start == -1 || m->end == -1) && PyErr_Occurred()) goto fail;
        if (m->index < 0 || m->index >= PyTuple_GET_SIZE(names) ||
            m->index >= PyTuple_GET_SIZE(shift)) {
            PyErr_SetString(PyExc_IndexError, "add_hits: an index beyond names or shift");
            goto fail;
        }
    }
    /* UTF-8 data: every offset met, sorted, and the characters before each. */
    if (args[4] != Py_None) {
        bytes = PyMem_Malloc(sizeof(Py_ssize_t) * (2 * total + 1));
        chars = PyMem_Malloc(sizeof(Py_ssize_t) * (2 * total + 1));
        if (bytes == NULL || chars == NULL) goto nomemory;
        for (Py_ssize_t i = 0; i < total; i++) {
            bytes[n_offsets++] = matches[i].start;
            bytes[n_offsets++] = matches[i].end;
        }
        qsort(bytes, n_offsets, sizeof(Py_ssize_t), by_value);
        const unsigned char *data = (const unsigned char *)PyBytes_AS_STRING(args[4]);
        Py_ssize_t size = PyBytes_GET_SIZE(args[4]), b = 0, c = 0;
        for (Py_ssize_t i = 0; i < n_offsets; i++) {
            Py_ssize_t to = bytes[i] < size ? bytes[i] : size;
            for (; b < to; b++) c += (data[b] & 0xC0) != 0x80; /* not a continuation byte */
            chars[i] = c;
        }
    }
    for (Py_ssize_t i = 0; i < total; i++) {
        Match *m = &matches[i];
        if (bytes != NULL) {
            m->start = in_characters(m->start, bytes, chars, n_offsets);
            m->end = in_characters(m->end, bytes, chars, n_offsets);
        }
        Py_ssize_t back = PyLong_AsSsize_t(PyTuple_GET_ITEM(shift, m->index));
        if (back == -1 && PyErr_Occurred()) goto fail;
        /* A pattern whose first character matched the sentinel starts the text. */
        m->start = m->start - back > 0 ? m->start - back : 0;
        m->end -= 1;
    }
    qsort(matches, total, sizeof(Match), by_index_start_end);
    for (Py_ssize_t i = 0; i < total;) {
        Py_ssize_t index = matches[i].index;
        PyObject *kept = PyList_New(0);
        if (kept == NULL) goto fail;
        for (; i < total && matches[i].index == index; i++) {
            if (PyList_GET_SIZE(kept) > 0 && matches[i].start == matches[i - 1].start)
                continue; /* the shortest of each start is kept */
            if (append_new(kept, pair(matches[i].start, matches[i].end)) < 0) {
                Py_DECREF(kept);
                goto fail;
            }
        }
        int failed = PyDict_SetItem(hits, PyTuple_GET_ITEM(names, index), kept);
        Py_DECREF(kept);
        if (failed < 0) goto fail;
    }
    PyMem_Free(matches);
    PyMem_Free(bytes);
    PyMem_Free(chars);
    Py_RETURN_NONE;
nomemory:
    PyErr_NoMemory();
fail:
    PyMem_Free(matches);
    PyMem_Free(bytes);
    PyMem_Free(chars);
    return NULL;
}

/* collect(index, start, end, flags, found): Hyperscan's match callback (scan.collect),
 * called for every match: appends index, start and end to the list `found`. */
static PyObject *collect(PyObject *Py_UNUSED(module), PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 5 || !PyList_Check(args[4])) {
        PyErr_SetString(PyExc_TypeError, "collect(index, start, end, flags, found: list)");
        return NULL;
    }
    for (int i = 0; i < 3; i++)
        if (PyList_Append(args[4], args[i]) < 0) return NULL;
    Py_RETURN_NONE;
}

/* mentions_taken(text, found, parts): see names.mentions_taken, the reference. */
static int leftmost_then_longest(const void *a, const void *b) {
    const Pair *x = a, *y = b;
    if (x->start != y->start) return x->start < y->start ? -1 : 1;
    return (x->end < y->end) - (x->end > y->end);
}

static PyObject *mentions_taken(PyObject *Py_UNUSED(module), PyObject *const *args,
                                Py_ssize_t nargs) {
    Text t;
    if (nargs != 3 || !PyList_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError,
                        "mentions_taken(text: str, found: list, parts: iterable of str)");
        return NULL;
    }
    if (read_text(args[0], "mentions_taken()", &t) < 0) return NULL;
    PyObject *text = args[0], *found = args[1];
    Py_ssize_t n = 0, size = PyList_GET_SIZE(found) + 16;
    Pair *spans = PyMem_Malloc(sizeof(Pair) * size);
    if (spans == NULL) return PyErr_NoMemory();
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(found); i++)
        if (read_pair(PyList_GET_ITEM(found, i), &spans[n++]) < 0) goto fail;
    /* A mention stands alone (names._stands_alone: not inside a longer word, an e-mail
     * address or a dotted name), so it begins where a word does: only those places
     * are compared with each part, not every place a search would pass. */
    Py_ssize_t *starts = PyMem_Malloc(sizeof(Py_ssize_t) * (t.n + 1)), n_starts = 0;
    if (starts == NULL) {
        PyErr_NoMemory();
        goto fail;
    }
    starts[n_starts++] = 0;
    if (t.kind == PyUnicode_1BYTE_KIND) { /* one table look-up a character */
        const Py_UCS1 *s = t.data;
        for (Py_ssize_t p = 1; p <= t.n; p++)
            if (!in_a_word[s[p - 1]]) starts[n_starts++] = p;
    } else {
        for (Py_ssize_t p = 1; p <= t.n; p++)
            if (!inside_word(at(&t, p - 1))) starts[n_starts++] = p;
    }
    /* In a one-byte text, the starts grouped by their character (a counting sort, in
     * text order within each group): a part is compared only where its first
     * character stands, not at every start. */
    Py_ssize_t group[257] = {0}, *by_char = NULL;
    if (t.kind == PyUnicode_1BYTE_KIND) {
        const Py_UCS1 *s = t.data;
        by_char = PyMem_Malloc(sizeof(Py_ssize_t) * n_starts);
        if (by_char == NULL) {
            PyErr_NoMemory();
            goto fail_starts;
        }
        for (Py_ssize_t k = 0; k < n_starts; k++)
            if (starts[k] < t.n) group[s[starts[k]] + 1]++;
        for (int c = 0; c < 256; c++) group[c + 1] += group[c];
        Py_ssize_t next[256];
        memcpy(next, group, sizeof(next));
        for (Py_ssize_t k = 0; k < n_starts; k++)
            if (starts[k] < t.n) by_char[next[s[starts[k]]]++] = starts[k];
    }
    PyObject *parts = PyObject_GetIter(args[2]), *part;
    if (parts == NULL) goto fail_by_char;
    while ((part = PyIter_Next(parts)) != NULL) {
        if (!PyUnicode_Check(part) || READY(part) < 0) {
            Py_DECREF(part);
            Py_DECREF(parts);
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "mentions_taken: parts are str");
            goto fail_by_char;
        }
        Py_ssize_t length = PyUnicode_GET_LENGTH(part);
        Py_UCS4 first = length ? PyUnicode_READ_CHAR(part, 0) : 0;
        const Py_ssize_t *places = starts;
        Py_ssize_t n_places = n_starts;
        if (by_char != NULL && length) {
            places = first < 256 ? by_char + group[first] : by_char;
            n_places = first < 256 ? group[first + 1] - group[first] : 0;
        }
        for (Py_ssize_t k = 0; k < n_places; k++) {
            Py_ssize_t pos = places[k];
            if (pos + length > t.n || (length && at(&t, pos) != first)) continue;
            if (length > 1) {
                Py_ssize_t same = PyUnicode_Tailmatch(text, part, pos, pos + length, -1);
                if (same < 0) {
                    Py_DECREF(part);
                    Py_DECREF(parts);
                    goto fail_by_char;
                }
                if (!same) continue;
            }
            if (pos + length < t.n && is_alnum(at(&t, pos + length))) continue; /* inside a word */
            if (n == size) {
                Pair *grown = PyMem_Realloc(spans, sizeof(Pair) * (size *= 2));
                if (grown == NULL) {
                    Py_DECREF(part);
                    Py_DECREF(parts);
                    PyErr_NoMemory();
                    goto fail_by_char;
                }
                spans = grown;
            }
            spans[n].start = pos;
            spans[n++].end = pos + length;
        }
        Py_DECREF(part);
    }
    PyMem_Free(by_char);
    Py_DECREF(parts);
    PyMem_Free(starts);
    if (PyErr_Occurred()) goto fail;
    qsort(spans, n, sizeof(Pair), leftmost_then_longest);
    PyObject *taken = PyList_New(0);
    if (taken == NULL) goto fail;
    Py_ssize_t last = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (spans[i].start < last) continue;
        if (append_new(taken, pair(spans[i].start, spans[i].end)) < 0) {
            Py_DECREF(taken);
            goto fail;
        }
        last = spans[i].end;
    }
    PyMem_Free(spans);
    return taken;
fail_by_char:
    PyMem_Free(by_char);
fail_starts:
    PyMem_Free(starts);
fail:
    PyMem_Free(spans);
    return NULL;
}

/* values_at_runs(text, index): see model.values_at_runs, the reference. A run is made
 * a str (to be looked up) only when a key has its length, first and last character (a
 * bit per such triple, hashed into a table): most runs of a long text are no key. */
#define RUN_BITS 16
static inline size_t run_bucket(Py_ssize_t n, Py_UCS4 first, Py_UCS4 last) {
    return ((size_t)n * 0x9E3779B1u ^ (size_t)first * 0x85EBCA77u ^ (size_t)last * 0xC2B2AE3Du) >>
               7 & ((1u << RUN_BITS) - 1);
}

/* Appends (pos, value) for each (offset, value) of a run's candidates found at the
 * run's start less its offset: 0, or -1 with an exception set. */
static int values_found(PyObject *text, Py_ssize_t run_start, PyObject *candidates, PyObject *out) {
    if (!PyList_Check(candidates)) {
        PyErr_SetString(PyExc_TypeError, "values_at_runs: the index holds lists");
        return -1;
    }
    for (Py_ssize_t k = 0; k < PyList_GET_SIZE(candidates); k++) {
        PyObject *item = PyList_GET_ITEM(candidates, k);
        if (!PyTuple_Check(item) || PyTuple_GET_SIZE(item) != 2 ||
            !PyLong_Check(PyTuple_GET_ITEM(item, 0)) || !PyUnicode_Check(PyTuple_GET_ITEM(item, 1))) {
            PyErr_SetString(PyExc_TypeError, "values_at_runs: candidates are (offset, str)");
            return -1;
        }
        Py_ssize_t offset = PyLong_AsSsize_t(PyTuple_GET_ITEM(item, 0));
        if (offset == -1 && PyErr_Occurred()) return -1;
        PyObject *value = PyTuple_GET_ITEM(item, 1);
        Py_ssize_t pos = run_start - offset;
        if (pos < 0) continue;
        Py_ssize_t same = PyUnicode_Tailmatch(text, value, pos, PY_SSIZE_T_MAX, -1);
        if (same < 0) return -1;
        if (same) {
            PyObject *at_pos = PyLong_FromSsize_t(pos);
            PyObject *found = at_pos != NULL ? PyTuple_Pack(2, at_pos, value) : NULL;
            Py_XDECREF(at_pos);
            if (append_new(out, found) < 0) return -1;
        }
    }
    return 0;
}

static PyObject *values_at_runs(PyObject *Py_UNUSED(module), PyObject *const *args,
                                Py_ssize_t nargs) {
    Text t;
    if (nargs != 2 || !PyDict_CheckExact(args[1])) {
        PyErr_SetString(PyExc_TypeError, "values_at_runs(text: str, index: dict)");
        return NULL;
    }
    if (read_text(args[0], "values_at_runs()", &t) < 0) return NULL;
    PyObject *index = args[1], *key, *candidates;
    unsigned char *table = PyMem_Calloc(1 << (RUN_BITS - 3), 1);
    if (table == NULL) return PyErr_NoMemory();
    Py_ssize_t i = 0;
    while (PyDict_Next(index, &i, &key, &candidates)) {
        if (!PyUnicode_Check(key) || READY(key) < 0) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "values_at_runs: keys are str");
            PyMem_Free(table);
            return NULL;
        }
        Py_ssize_t n = PyUnicode_GET_LENGTH(key);
        if (n == 0) continue; /* no run is empty */
        size_t b = run_bucket(n, PyUnicode_READ_CHAR(key, 0), PyUnicode_READ_CHAR(key, n - 1));
        table[b >> 3] |= 1 << (b & 7);
    }
    PyObject *out = PyList_New(0);
    if (out == NULL) goto fail;
    Py_ssize_t p = 0;
    while (p < t.n) {
        if (!is_alnum(at(&t, p))) {
            p++;
            continue;
        }
        Py_ssize_t start = p;
        while (p < t.n && is_alnum(at(&t, p))) p++;
        size_t b = run_bucket(p - start, at(&t, start), at(&t, p - 1));
        if (!(table[b >> 3] >> (b & 7) & 1)) continue;
        PyObject *run = PyUnicode_Substring(args[0], start, p);
        if (run == NULL) goto fail;
        candidates = PyDict_GetItemWithError(index, run); /* borrowed */
        Py_DECREF(run);
        if (candidates == NULL) {
            if (PyErr_Occurred()) goto fail;
            continue;
        }
        if (candidates == Py_None) continue; /* as dict.get answers for no key */
        if (values_found(args[0], start, candidates, out) < 0) goto fail;
    }
    PyMem_Free(table);
    return out;
fail:
    PyMem_Free(table);
    Py_XDECREF(out);
    return NULL;
}

/* shannon_entropy(value): the same sum as the reference, term by term in the order
 * characters first occur, so the float is the same to the last bit. */
static PyObject *shannon_entropy(PyObject *Py_UNUSED(module), PyObject *arg) {
    Text t;
    if (read_text(arg, "shannon_entropy()", &t) < 0) return NULL;
    if (t.n == 0) return PyFloat_FromDouble(0.0);
    if (t.kind != PyUnicode_1BYTE_KIND) { /* rare here: the reference's dict does it */
        PyErr_SetString(PyExc_ValueError, "shannon_entropy: not a one-byte string");
        return NULL;
    }
    const Py_UCS1 *s = t.data;
    Py_ssize_t counts[256] = {0};
    unsigned char order[256];
    int distinct = 0;
    for (Py_ssize_t i = 0; i < t.n; i++)
        if (counts[s[i]]++ == 0) order[distinct++] = s[i];
    double entropy = 0.0, n = (double)t.n;
    for (int i = 0; i < distinct; i++) {
        double p = (double)counts[order[i]] / n;
        entropy -= p * log2(p);
    }
    return PyFloat_FromDouble(entropy);
}

/* counts_up(low): see validators.counts_up, the reference. */
static int counts_up_in(const Text *t) {
    Py_ssize_t n = t->n;
    if (n < 16) return 0;
    Py_ssize_t up = 0, down = 0;
    long p2 = -9, p1 = -9;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 ch = at(t, i);
        long c = ((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z')) ? (long)ch : -9;
        if (c >= 0) {
            if (c - p1 == 1 || c - p2 == 1)
                up++;
            else if (p1 - c == 1 || p2 - c == 1)
                down++;
        }
        p2 = p1;
        p1 = c;
        /* what is left cannot make the half: each character adds one at most */
        if (2 * ((up > down ? up : down) + (n - 1 - i)) < n) return 0;
    }
    return 2 * (up > down ? up : down) >= n;
}

static PyObject *counts_up(PyObject *Py_UNUSED(module), PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 1) {
        PyErr_SetString(PyExc_TypeError, "counts_up(low: str)");
        return NULL;
    }
    Text t;
    if (read_text(args[0], "counts_up()", &t) < 0) return NULL;
    return PyBool_FromLong(counts_up_in(&t));
}

/* typed_runs(low, consecutive): see validators.typed_runs, the reference. */
#define TYPED_RUN 4
static int typed_runs_in(const Text *t, int consecutive) {
    Py_ssize_t n = t->n;
    if (n < 2 * TYPED_RUN) return 0;
    long step = consecutive ? 1 : 0, previous = -2;
    Py_ssize_t in_runs = 0, run = 0, left = n;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 ch = at(t, i);
        left--;
        long c = ((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z')) ? (long)ch : -2;
        if (c >= 0 && c - previous >= -step && c - previous <= step) {
            run++;
        } else {
            if (run >= TYPED_RUN)
                in_runs += run;
            else if (2 * (in_runs + left + 1) <= n)
                return 0; /* what is left cannot make the half */
            run = 1;
        }
        previous = c;
    }
    if (run >= TYPED_RUN) in_runs += run;
    return 2 * in_runs > n;
}

static PyObject *typed_runs(PyObject *Py_UNUSED(module), PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "typed_runs(low: str, consecutive: bool)");
        return NULL;
    }
    Text t;
    if (read_text(args[0], "typed_runs()", &t) < 0) return NULL;
    int consecutive = PyObject_IsTrue(args[1]);
    if (consecutive < 0) return NULL;
    return PyBool_FromLong(typed_runs_in(&t, consecutive));
}

/* The one-byte words of the tuple any_in_text was last given, chained by their first
 * byte: a one-byte text is then read once, each place tried only against the words
 * that begin with its byte (one memchr per word cost ~1.4k instructions a placeholder
 * test, ~40 calls). The tuple is held, so its words' bytes stay where they are. */
#define INDEXED_WORDS 64
static PyObject *indexed = NULL;  /* the tuple indexed, a strong reference */
static int indexed_usable = 0;    /* every word one-byte and not empty */
static Py_ssize_t indexed_shortest;
static int word_head[256];         /* first word beginning with a byte, or -1 */
static int word_next[INDEXED_WORDS];
static const unsigned char *word_bytes[INDEXED_WORDS];
static Py_ssize_t word_length[INDEXED_WORDS];

/* Indexes ``words`` (a tuple, its items checked to be str by the caller's loop when
 * not usable): 0, or -1 with an exception set. */
static int index_words(PyObject *words) {
    Py_XSETREF(indexed, Py_NewRef(words));
    indexed_usable = 0;
    Py_ssize_t count = PyTuple_GET_SIZE(words);
    if (count > INDEXED_WORDS) return 0;
    for (int b = 0; b < 256; b++) word_head[b] = -1;
    indexed_shortest = PY_SSIZE_T_MAX;
    for (Py_ssize_t k = count - 1; k >= 0; k--) {
        PyObject *word = PyTuple_GET_ITEM(words, k);
        if (!PyUnicode_Check(word)) return 0; /* the loop below raises the TypeError */
        if (READY(word) < 0) return -1;
        Py_ssize_t n = PyUnicode_GET_LENGTH(word);
        if (PyUnicode_KIND(word) != PyUnicode_1BYTE_KIND || n == 0) return 0;
        const unsigned char *bytes = PyUnicode_1BYTE_DATA(word);
        word_bytes[k] = bytes;
        word_length[k] = n;
        word_next[k] = word_head[bytes[0]];
        word_head[bytes[0]] = (int)k;
        if (n < indexed_shortest) indexed_shortest = n;
    }
    indexed_usable = 1;
    return 0;
}

/* any_in(text, words): see validators.any_in, the reference. A one-byte text and
 * one-byte words are compared as bytes, through the index of the words above; others
 * as str.find does. 1, 0, or -1 with an exception set. */
static int any_in_text(PyObject *text, const Text *t, PyObject *words) {
    if (t->kind == PyUnicode_1BYTE_KIND) {
        if (words != indexed && index_words(words) < 0) return -1;
        if (indexed_usable) {
            const unsigned char *s = t->data;
            Py_ssize_t n = t->n;
            for (Py_ssize_t i = 0; i + indexed_shortest <= n; i++) {
                for (int k = word_head[s[i]]; k >= 0; k = word_next[k]) {
                    Py_ssize_t len = word_length[k];
                    if (len > n - i) continue;
                    const unsigned char *w = word_bytes[k];
                    Py_ssize_t j = 1;
                    while (j < len && s[i + j] == w[j]) j++;
                    if (j == len) return 1;
                }
            }
            return 0;
        }
    }
    for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(words); k++) {
        Text w;
        if (read_text(PyTuple_GET_ITEM(words, k), "any_in()", &w) < 0) return -1;
        if (w.n == 0) return 1;
        if (w.n > t->n) continue;
        if (t->kind == PyUnicode_1BYTE_KIND && w.kind == PyUnicode_1BYTE_KIND) {
            const unsigned char *s = t->data, *needle = w.data;
            const unsigned char *last = s + (t->n - w.n); /* the last place it can begin */
            const unsigned char *p = s;
            while (p <= last && (p = memchr(p, needle[0], (size_t)(last - p) + 1)) != NULL) {
                if (memcmp(p + 1, needle + 1, (size_t)w.n - 1) == 0) return 1;
                p++;
            }
            continue;
        }
        Py_ssize_t found = PyUnicode_Find(text, PyTuple_GET_ITEM(words, k), 0, t->n, 1);
        if (found == -2) return -1;
        if (found >= 0) return 1;
    }
    return 0;
}

static PyObject *any_in(PyObject *Py_UNUSED(module), PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 2 || !PyTuple_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "any_in(text: str, words: tuple of str)");
        return NULL;
    }
    Text t;
    if (read_text(args[0], "any_in()", &t) < 0) return NULL;
    int found = any_in_text(args[0], &t, args[1]);
    return found < 0 ? NULL : PyBool_FromLong(found);
}

/* A str's lower case: an ASCII one's made here (no method call), others by str.lower;
 * a new reference, or NULL with an exception set. */
static PyObject *lower_case(PyObject *value) {
    if (!PyUnicode_IS_ASCII(value)) return PyObject_CallMethod(value, "lower", NULL);
    Py_ssize_t n = PyUnicode_GET_LENGTH(value);
    const Py_UCS1 *s = PyUnicode_1BYTE_DATA(value);
    Py_ssize_t i = 0;
    while (i < n && !(s[i] >= 'A' && s[i] <= 'Z')) i++;
    if (i == n) return Py_NewRef(value); /* nothing to lower: the same characters */
    PyObject *low = PyUnicode_New(n, 127);
    if (low == NULL) return NULL;
    Py_UCS1 *d = PyUnicode_1BYTE_DATA(low);
    for (Py_ssize_t j = 0; j < n; j++) d[j] = (s[j] >= 'A' && s[j] <= 'Z') ? s[j] + 32 : s[j];
    return low;
}

/* len(set(low[a:b])) <= 2 */
static int at_most_two_characters(const Text *t) {
    if (t->n == 0) return 1;
    Py_UCS4 first = at(t, 0), second = first;
    for (Py_ssize_t i = 1; i < t->n; i++) {
        Py_UCS4 c = at(t, i);
        if (c == first || c == second) continue;
        if (second != first) return 0;
        second = c;
    }
    return 1;
}

/* validators._repeated_unit(low): after stripping quotes, 16 characters or more of
 * which a unit of 2-16 characters (no line break), written three times or more from
 * the start, covers three quarters: `(.{2,16}?)\1{2,}` matched as Python does (the
 * shortest unit that repeats twice more, then as many repeats as follow). */
static int repeated_unit(const Text *t) {
    Py_ssize_t a = 0, b = t->n;
    while (a < b && (at(t, a) == '"' || at(t, a) == '\'' || at(t, a) == '`')) a++;
    while (b > a && (at(t, b - 1) == '"' || at(t, b - 1) == '\'' || at(t, b - 1) == '`')) b--;
    Py_ssize_t n = b - a;
    if (n < 16) return 0;
    for (Py_ssize_t unit = 1; unit <= 16 && unit <= n; unit++) {
        if (at(t, a + unit - 1) == '\n') return 0; /* "." stops there, for every longer unit */
        if (unit < 2) continue;
        Py_ssize_t end = a + unit, repeats = 0;
        while (end + unit <= b) {
            Py_ssize_t k = 0;
            while (k < unit && at(t, end + k) == at(t, a + k)) k++;
            if (k < unit) break;
            end += unit;
            repeats++;
        }
        if (repeats >= 2) return 4 * (end - a) >= 3 * n;
    }
    return 0;
}

/* placeholder(value, words, naming): see validators.placeholder, the reference (the
 * documentation words and the naming values are its tables, given). */
static PyObject *placeholder(PyObject *Py_UNUSED(module), PyObject *const *args,
                             Py_ssize_t nargs) {
    if (nargs != 3 || !PyTuple_Check(args[1]) || !PyAnySet_Check(args[2])) {
        PyErr_SetString(PyExc_TypeError,
                        "placeholder(value: str, words: tuple of str, naming: frozenset)");
        return NULL;
    }
    if (!PyUnicode_Check(args[0])) {
        PyErr_SetString(PyExc_TypeError, "placeholder() takes a str");
        return NULL;
    }
    PyObject *low = lower_case(args[0]);
    if (low == NULL) return NULL;
    Text t;
    int result = -1;
    if (read_text(low, "placeholder()", &t) < 0) goto done;
    if ((result = any_in_text(low, &t, args[1])) != 0) goto done;
    Py_ssize_t n = t.n;
    if (n > 2) {
        Py_UCS4 first = at(&t, 0), last = at(&t, n - 1);
        if ((first == '[' || first == '(' || first == '%') &&
            (last == ']' || last == ')' || last == 's' || last == '%')) {
            result = 1; /* [PASSWORD], (token), %(token)s, %TOKEN%, %s */
            goto done;
        }
    }
    static const char strip[] = "'\"[]()_-";
    Py_ssize_t a = 0, b = n;
    while (a < b && at(&t, a) < 128 && memchr(strip, (int)at(&t, a), sizeof strip - 1)) a++;
    while (b > a && at(&t, b - 1) < 128 && memchr(strip, (int)at(&t, b - 1), sizeof strip - 1))
        b--;
    PyObject *name = PyUnicode_Substring(low, a, b);
    if (name == NULL) goto done;
    result = PySet_Contains(args[2], name);
    Py_DECREF(name);
    if (result != 0) goto done;
    result = at_most_two_characters(&t) || typed_runs_in(&t, 0) || repeated_unit(&t) ||
             counts_up_in(&t);
done:
    Py_DECREF(low);
    return result < 0 ? NULL : PyBool_FromLong(result);
}

/* typed_stretch(value): see validators.typed_stretch, the reference. */
#define STRETCH 6
static PyObject *typed_stretch(PyObject *Py_UNUSED(module), PyObject *arg) {
    Text t;
    if (read_text(arg, "typed_stretch()", &t) < 0) return NULL;
    if (t.n < STRETCH) Py_RETURN_FALSE;
    Py_ssize_t i = 0;
    while (i < t.n && Py_UNICODE_ISDIGIT(at(&t, i))) i++;
    if (i == t.n) Py_RETURN_FALSE; /* a number: str.isdigit */
    PyObject *low = lower_case(arg);
    if (low == NULL) return NULL;
    Text l;
    int found = 0;
    if (read_text(low, "typed_stretch()", &l) < 0) {
        Py_DECREF(low);
        return NULL;
    }
    long same = 0, up = 0, down = 0, previous = -9;
    for (Py_ssize_t j = 0; j < l.n; j++) {
        Py_UCS4 ch = at(&l, j);
        if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z'))) {
            same = up = down = 0;
            previous = -9;
            continue;
        }
        long c = (long)ch;
        same = c == previous ? same + 1 : 1;
        up = c - previous == 1 ? up + 1 : 1;
        down = previous - c == 1 ? down + 1 : 1;
        if (same >= STRETCH || up >= STRETCH || down >= STRETCH) {
            found = 1;
            break;
        }
        previous = c;
    }
    Py_DECREF(low);
    return PyBool_FromLong(found);
}

/* resolve(spans, priority): see engine.resolve, the reference. */
typedef struct {
    Py_ssize_t start, end, priority, order;
    PyObject *label, *span;
    int taken;
} Found;

static int by_position(const void *a, const void *b) { /* tuple order, then first given */
    const Found *x = a, *y = b;
    if (x->start != y->start) return x->start < y->start ? -1 : 1;
    if (x->end != y->end) return x->end < y->end ? -1 : 1;
    int labels = PyUnicode_Compare(x->label, y->label); /* both str: cannot fail */
    if (labels != 0) return labels;
    return (x->order > y->order) - (x->order < y->order);
}

static int by_rank(const void *a, const void *b) { /* longest, then priority, position */
    const Found *x = *(Found *const *)a, *y = *(Found *const *)b;
    Py_ssize_t lx = x->end - x->start, ly = y->end - y->start;
    if (lx != ly) return lx > ly ? -1 : 1;
    if (x->priority != y->priority) return x->priority < y->priority ? -1 : 1;
    if (x->start != y->start) return x->start < y->start ? -1 : 1;
    return PyUnicode_Compare(x->label, y->label); /* a stable sort's order: by position */
}

static PyObject *resolve(PyObject *Py_UNUSED(module), PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 2 || !PyList_Check(args[0]) || !PyDict_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "resolve(spans: list, priority: dict)");
        return NULL;
    }
    PyObject *spans = args[0], *priority = args[1];
    Py_ssize_t n = PyList_GET_SIZE(spans);
    if (n <= 1) return Py_NewRef(spans);
    Found *found = PyMem_Malloc(sizeof(Found) * n);
    Found **group = PyMem_Malloc(sizeof(Found *) * n);
    if (found == NULL || group == NULL) {
        PyMem_Free(found);
        PyMem_Free(group);
        return PyErr_NoMemory();
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *span = PyList_GET_ITEM(spans, i);
        if (!PyTuple_Check(span) || PyTuple_GET_SIZE(span) != 3 ||
            !PyUnicode_Check(PyTuple_GET_ITEM(span, 2))) {
            PyErr_SetString(PyExc_TypeError, "resolve: a span is (start, end, label: str)");
            goto fail;
        }
        Found *f = &found[i];
        f->start = PyLong_AsSsize_t(PyTuple_GET_ITEM(span, 0));
        f->end = PyLong_AsSsize_t(PyTuple_GET_ITEM(span, 1));
        if ((f->start == -1 || f->end == -1) && PyErr_Occurred()) goto fail;
        f->label = PyTuple_GET_ITEM(span, 2);
        f->span = span;
        f->order = i;
        f->taken = 0;
        PyObject *rank = PyDict_GetItemWithError(priority, f->label); /* borrowed */
        if (rank == NULL && PyErr_Occurred()) goto fail;
        f->priority = rank == NULL ? 99 : PyLong_AsSsize_t(rank);
        if (f->priority == -1 && PyErr_Occurred()) goto fail;
    }
    qsort(found, n, sizeof(Found), by_position);
    /* Equal spans once: the first given, as a set keeps it. */
    Py_ssize_t m = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (m > 0 && found[i].start == found[m - 1].start && found[i].end == found[m - 1].end &&
            PyUnicode_Compare(found[i].label, found[m - 1].label) == 0)
            continue;
        found[m++] = found[i];
    }
    /* Each group of spans that overlap, directly or through others, settled alone. */
    for (Py_ssize_t first = 0; first < m;) {
        Py_ssize_t last = first + 1, end = found[first].end;
        while (last < m && found[last].start < end) {
            if (found[last].end > end) end = found[last].end;
            last++;
        }
        if (last - first == 1) {
            found[first].taken = 1;
        } else {
            Py_ssize_t size = last - first, kept = 0;
            for (Py_ssize_t i = 0; i < size; i++) group[i] = &found[first + i];
            qsort(group, size, sizeof(Found *), by_rank);
            for (Py_ssize_t i = 0; i < size; i++) {
                Found *s = group[i];
                int free = 1;
                for (Py_ssize_t j = 0; j < kept && free; j++) { /* no shared character */
                    Found *t = group[j];
                    Py_ssize_t lo = s->start > t->start ? s->start : t->start;
                    Py_ssize_t hi = s->end < t->end ? s->end : t->end;
                    free = lo >= hi;
                }
                if (free) {
                    s->taken = 1;
                    group[kept++] = s; /* the taken ones first: kept <= i */
                }
            }
        }
        first = last;
    }
    PyObject *out = PyList_New(0);
    if (out == NULL) goto fail;
    for (Py_ssize_t i = 0; i < m; i++)
        if (found[i].taken && PyList_Append(out, found[i].span) < 0) {
            Py_DECREF(out);
            goto fail;
        }
    PyMem_Free(found);
    PyMem_Free(group);
    return out;
fail:
    PyMem_Free(found);
    PyMem_Free(group);
    return NULL;
}

/* card_starts(text): each ASCII digit not right after [0-9A-Za-z_.-] that begins
 * [0-9](?:[ -]?[0-9]){11}. */
static PyObject *card_starts(PyObject *Py_UNUSED(module), PyObject *arg) {
    Text t;
    if (read_text(arg, "card_starts()", &t) < 0) return NULL;
    PyObject *out = PyList_New(0);
    if (out == NULL) return NULL;
    for (Py_ssize_t p = next_digit(&t, 0, 1); p < t.n; p = next_digit(&t, p + 1, 1)) {
        if (p > 0) {
            Py_UCS4 b = at(&t, p - 1);
            if (b < 128 && (is_alnum(b) || b == '_' || b == '.' || b == '-')) continue;
        }
        Py_ssize_t i = p + 1, digits = 1;
        while (digits < 12 && i < t.n) { /* each step: a digit, or one separator and a digit */
            Py_UCS4 c = at(&t, i);
            if (is_ascii_digit(c)) i += 1;
            else if ((c == ' ' || c == '-') && i + 1 < t.n && is_ascii_digit(at(&t, i + 1))) i += 2;
            else break;
            digits++;
        }
        if (digits == 12 && append_new(out, PyLong_FromSsize_t(p)) < 0) {
            Py_DECREF(out);
            return NULL;
        }
    }
    return out;
}

/* number_word_starts(text): each decimal digit not right after a letter, digit, "_"
 * or "-" that begins \d{1,6}[a-zA-Z]?,?\s+[A-ZÀ-ÖØ-Þ]. */
static PyObject *number_word_starts(PyObject *Py_UNUSED(module), PyObject *arg) {
    Text t;
    if (read_text(arg, "number_word_starts()", &t) < 0) return NULL;
    PyObject *out = PyList_New(0);
    if (out == NULL) return NULL;
    for (Py_ssize_t p = next_digit(&t, 0, 0); p < t.n; p = next_digit(&t, p + 1, 0)) {
        if (p > 0) {
            Py_UCS4 b = at(&t, p - 1);
            if (is_alnum(b) || b == '_' || b == '-') continue;
        }
        Py_ssize_t j = p;
        while (j < t.n && j - p < 7 && is_decimal(at(&t, j))) j++;
        if (j - p > 6) { /* a longer number: no match here or inside it */
            while (j < t.n && is_decimal(at(&t, j))) j++;
            p = j - 1;
            continue;
        }
        if (j < t.n && is_ascii_letter(at(&t, j))) j++;
        if (j < t.n && at(&t, j) == ',') j++;
        Py_ssize_t spaces = j;
        while (j < t.n && Py_UNICODE_ISSPACE(at(&t, j))) j++;
        if (j == spaces || j >= t.n) continue;
        if (is_upper_latin1(at(&t, j)) && append_new(out, PyLong_FromSsize_t(p)) < 0) {
            Py_DECREF(out);
            return NULL;
        }
    }
    return out;
}

/* json_colons(body): how many ':' bytes ``body`` holds, or -1 if it holds "\u003"
 * (a JSON escape that may write a ':' in a string). memchr jumps from one byte looked
 * for to the next; a 2 KB request holds some 60 of each. */
static PyObject *json_colons(PyObject *Py_UNUSED(module), PyObject *arg) {
    if (!PyBytes_Check(arg)) {
        PyErr_SetString(PyExc_TypeError, "json_colons() takes bytes");
        return NULL;
    }
    const char *start = PyBytes_AS_STRING(arg);
    const char *end = start + PyBytes_GET_SIZE(arg);
    for (const char *p = start; (p = memchr(p, '\\', (size_t)(end - p))) != NULL; p++)
        if (end - p >= 5 && memcmp(p, "\\u003", 5) == 0) return PyLong_FromLong(-1);
    Py_ssize_t colons = 0;
    for (const char *p = start; (p = memchr(p, ':', (size_t)(end - p))) != NULL; p++) colons++;
    return PyLong_FromSsize_t(colons);
}

/* json_strings(body): [start, end, start, end, ...] of each string literal of ``body``
 * (from its opening quote to after its closing one), read from the start as JSON is:
 * a quote opens a literal, a backslash escapes the next byte, an unescaped quote closes
 * it; an unterminated literal ends the list. memchr jumps from quote to quote. */
static PyObject *json_strings(PyObject *Py_UNUSED(module), PyObject *arg) {
    if (!PyBytes_Check(arg)) {
        PyErr_SetString(PyExc_TypeError, "json_strings() takes bytes");
        return NULL;
    }
    const char *s = PyBytes_AS_STRING(arg);
    Py_ssize_t n = PyBytes_GET_SIZE(arg);
    PyObject *out = PyList_New(0);
    if (out == NULL) return NULL;
    Py_ssize_t i = 0;
    while (i < n) {
        const char *q = memchr(s + i, '"', (size_t)(n - i));
        if (q == NULL) break;
        Py_ssize_t open = q - s, j = open;
        for (;;) {
            /* The next quote closes the literal unless an odd number of backslashes
             * stands right before it (a run of them pairs up from its first). */
            q = memchr(s + j + 1, '"', (size_t)(n - j - 1));
            if (q == NULL) break;
            j = q - s;
            Py_ssize_t b = j;
            while (b > open + 1 && s[b - 1] == '\\') b--;
            if ((j - b) % 2 == 0) break;
        }
        if (q == NULL) break; /* unterminated */
        if (append_new(out, PyLong_FromSsize_t(open)) < 0 ||
            append_new(out, PyLong_FromSsize_t(j + 1)) < 0) {
            Py_DECREF(out);
            return NULL;
        }
        i = j + 1;
    }
    return out;
}

/* ---- The person detector's per-word loops (names.py) ----------------------------
 *   bare_words         names.bare_words          each capitalised word lower-cased,
 *                                                without its final "." and "'s" */

/* One word of capitalised_words lower-cased, without a final "." and then a final
 * "'s" or "’s" (what names.bare_words makes of it in its joined string). */
static PyObject *bare_word(PyObject *word) {
    if (!PyUnicode_Check(word)) {
        PyErr_SetString(PyExc_TypeError, "bare_words() takes (start, end, word) tuples");
        return NULL;
    }
    if (READY(word) < 0) return NULL;
    if (PyUnicode_IS_ASCII(word)) {
        const Py_UCS1 *s = PyUnicode_1BYTE_DATA(word);
        Py_ssize_t end = PyUnicode_GET_LENGTH(word);
        if (end > 0 && s[end - 1] == '.') end--;
        if (end >= 2 && (s[end - 1] | 0x20) == 's' && s[end - 2] == '\'') end -= 2;
        PyObject *bare = PyUnicode_New(end, 127);
        if (bare == NULL) return NULL;
        Py_UCS1 *d = PyUnicode_1BYTE_DATA(bare);
        for (Py_ssize_t j = 0; j < end; j++) d[j] = (s[j] >= 'A' && s[j] <= 'Z') ? s[j] + 32 : s[j];
        return bare;
    }
    /* Other letters: str.lower's own tables (a letter may lower to two characters). */
    PyObject *low = PyObject_CallMethod(word, "lower", NULL);
    if (low == NULL) return NULL;
    Text t;
    if (read_text(low, "bare_words()", &t) < 0) {
        Py_DECREF(low);
        return NULL;
    }
    Py_ssize_t end = t.n;
    if (end > 0 && at(&t, end - 1) == '.') end--;
    if (end >= 2 && at(&t, end - 1) == 's' && (at(&t, end - 2) == '\'' || at(&t, end - 2) == 0x2019))
        end -= 2;
    if (end == t.n) return low;
    PyObject *bare = PyUnicode_Substring(low, 0, end);
    Py_DECREF(low);
    return bare;
}

/* bare_words(tokens): see names.bare_words, the reference, for tokens as
 * capitalised_words makes them. */
static PyObject *bare_words(PyObject *Py_UNUSED(module), PyObject *tokens) {
    if (!PyList_Check(tokens)) {
        PyErr_SetString(PyExc_TypeError, "bare_words() takes a list");
        return NULL;
    }
    Py_ssize_t n = PyList_GET_SIZE(tokens);
    PyObject *out = PyList_New(n);
    if (out == NULL) return NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *token = PyList_GET_ITEM(tokens, i);
        if (!PyTuple_Check(token) || PyTuple_GET_SIZE(token) < 3) {
            PyErr_SetString(PyExc_TypeError, "bare_words() takes (start, end, word) tuples");
            Py_DECREF(out);
            return NULL;
        }
        PyObject *bare = bare_word(PyTuple_GET_ITEM(token, 2));
        if (bare == NULL) {
            Py_DECREF(out);
            return NULL;
        }
        PyList_SET_ITEM(out, i, bare);
    }
    return out;
}

/* ---- The secret detector's tests of an assignment (secrets.py, its _assigned) ---- */

static inline int is_ascii_lower(Py_UCS4 c) { return c >= 'a' && c <= 'z'; }
static inline int is_ascii_upper(Py_UCS4 c) { return c >= 'A' && c <= 'Z'; }
static inline int is_name_start(Py_UCS4 c) { return is_ascii_letter(c) || c == '_'; } /* [A-Za-z_] */
static inline int is_word_or_dot(Py_UCS4 c) { return is_word(c) || c == '.'; }        /* [\w.] */

/* The end of the run of characters ``in`` takes from ``i``. */
static Py_ssize_t run_end(const Text *t, Py_ssize_t i, int (*in)(Py_UCS4)) {
    while (i < t->n && in(at(t, i))) i++;
    return i;
}

/* ".*" to the end: no line break from ``i`` on. */
static int rest_of_line(const Text *t, Py_ssize_t i) {
    for (; i < t->n; i++)
        if (at(t, i) == '\n') return 0;
    return 1;
}

/* [A-Za-z_]+(?:\.[A-Za-z_]+)+ from 0 (``sep`` '.') or [A-Za-z]+(?:_[A-Za-z]+)+ (``sep``
 * '_', ``in`` ASCII letters): where it ends, or -1 if it holds no separated part. */
static Py_ssize_t separated_words(const Text *t, int (*in)(Py_UCS4), Py_UCS4 sep) {
    Py_ssize_t j = run_end(t, 0, in), parts = 0;
    if (j == 0) return -1;
    while (j < t->n && at(t, j) == sep) {
        Py_ssize_t k = run_end(t, j + 1, in);
        if (k == j + 1) break;
        j = k;
        parts++;
    }
    return parts > 0 ? j : -1;
}

/* [:@](?:[a-z]+_)*(?:password|passwd|pass|pwd|secret|token|api_key|key), whole: one of
 * the words ends it and what stands between the sign and the word is lower-case words,
 * each followed by "_". */
static int bind_parameter(const Text *t) {
    static const char *const words[] = {"password", "passwd", "pass",    "pwd",
                                        "secret",   "token",  "api_key", "key"};
    for (size_t w = 0; w < sizeof words / sizeof *words; w++) {
        Py_ssize_t len = (Py_ssize_t)strlen(words[w]), stop = t->n - len;
        if (stop < 1) continue;
        Py_ssize_t k = 0;
        while (k < len && at(t, stop + k) == (Py_UCS4)words[w][k]) k++;
        if (k < len) continue;
        Py_ssize_t i = 1;
        while (i < stop) {
            Py_ssize_t j = i;
            while (j < stop && is_ascii_lower(at(t, j))) j++;
            if (j == i || j == stop || at(t, j) != '_') break;
            i = j + 1;
        }
        if (i == stop) return 1;
    }
    return 0;
}

/* secrets._CODE_LIKE.fullmatch, one alternative at a time. Each quantifier of it is
 * followed by a character it does not take (or the end), so its longest run is the
 * only one that can match: each alternative is read once, left to right. */
static int code_like_in(const Text *t) {
    Py_ssize_t n = t->n, j;
    if (n == 0) return 0;
    Py_UCS4 c0 = at(t, 0);
    if (c0 == '$') { /* \$\{?\w+\}? */
        Py_ssize_t i = n > 1 && at(t, 1) == '{' ? 2 : 1;
        j = run_end(t, i, is_word);
        if (j > i && (j == n || (j == n - 1 && at(t, j) == '}'))) return 1;
    }
    if (c0 == '%') { /* %\w+% */
        j = run_end(t, 1, is_word);
        if (j > 1 && j == n - 1 && at(t, j) == '%') return 1;
    }
    /* [A-Za-z_]+(?:\.[A-Za-z_]+)+(?:\[.*|\(.*)? */
    j = separated_words(t, is_name_start, '.');
    if (j == n || (j > 0 && (at(t, j) == '[' || at(t, j) == '(') && rest_of_line(t, j + 1)))
        return 1;
    /* [A-Za-z_][\w.]*\(.*  and  \$?[A-Za-z_][\w.]*\[(?:[\"':].*)? */
    Py_ssize_t i = c0 == '$' ? 1 : 0;
    if (i < n && is_name_start(at(t, i))) {
        j = run_end(t, i + 1, is_word_or_dot);
        if (j < n && at(t, j) == '(' && i == 0 && rest_of_line(t, j + 1)) return 1;
        if (j < n && at(t, j) == '[') {
            if (j + 1 == n) return 1;
            Py_UCS4 c = at(t, j + 1);
            if ((c == '"' || c == '\'' || c == ':') && rest_of_line(t, j + 2)) return 1;
        }
    }
    if (separated_words(t, is_ascii_letter, '_') == n) return 1; /* [A-Za-z]+(?:_[A-Za-z]+)+ */
    if ((c0 == ':' || c0 == '@') && bind_parameter(t)) return 1;
    if (c0 == '!' && n > 1 && run_end(t, 1, is_ascii_letter) == n) return 1; /* ![A-Za-z]+ */
    /* ENC\[.* */
    return n >= 4 && c0 == 'E' && at(t, 1) == 'N' && at(t, 2) == 'C' && at(t, 3) == '[' &&
           rest_of_line(t, 4);
}

/* code_like(value): see secrets._code_like_in_python, the reference. */
static PyObject *code_like(PyObject *Py_UNUSED(module), PyObject *arg) {
    Text t;
    if (read_text(arg, "code_like()", &t) < 0) return NULL;
    return PyBool_FromLong(code_like_in(&t));
}

/* The next word of secrets._NAME_WORDS ([A-Z]?[a-z]+|[A-Z]+(?![a-z])|[0-9]+) in
 * t[*i:end], as findall reads the name: its bounds in *a, *b (and *i after it), or 0
 * when there is none. */
static int next_name_word(const Text *t, Py_ssize_t *i, Py_ssize_t end, Py_ssize_t *a,
                          Py_ssize_t *b) {
    for (Py_ssize_t p = *i; p < end; p++) {
        Py_UCS4 c = at(t, p);
        Py_ssize_t q = p + 1;
        if (is_ascii_upper(c)) {
            if (q < end && is_ascii_lower(at(t, q))) { /* [A-Z][a-z]+ */
                while (q < end && is_ascii_lower(at(t, q))) q++;
            } else { /* [A-Z]+(?![a-z]): its last capital given back to a word after it */
                while (q < end && is_ascii_upper(at(t, q))) q++;
                if (q < end && is_ascii_lower(at(t, q))) q--;
            }
        } else if (is_ascii_lower(c)) {
            while (q < end && is_ascii_lower(at(t, q))) q++;
        } else if (is_ascii_digit(c)) {
            while (q < end && is_ascii_digit(at(t, q))) q++;
        } else {
            continue;
        }
        *a = p;
        *b = *i = q;
        return 1;
    }
    return 0;
}

/* t[a:b] lower-cased (its characters are ASCII letters and digits). */
static PyObject *lower_word(const Text *t, Py_ssize_t a, Py_ssize_t b) {
    PyObject *word = PyUnicode_New(b - a, 127);
    if (word == NULL) return NULL;
    Py_UCS1 *d = PyUnicode_1BYTE_DATA(word);
    for (Py_ssize_t k = a; k < b; k++) {
        Py_UCS4 c = at(t, k);
        d[k - a] = (Py_UCS1)(is_ascii_upper(c) ? c + 32 : c);
    }
    return word;
}

/* about_name(text, start, end, value, about_last, about_any): see
 * secrets._about_name_in_python, the reference. The name's words are read in place;
 * a str is made of each only to look it up in the tables. */
static PyObject *about_name(PyObject *Py_UNUSED(module), PyObject *const *args,
                            Py_ssize_t nargs) {
    if (nargs != 6 || !PyAnySet_Check(args[4]) || !PyAnySet_Check(args[5])) {
        PyErr_SetString(PyExc_TypeError, "about_name(text: str, start: int, end: int, value: "
                                         "str, about_last: frozenset, about_any: frozenset)");
        return NULL;
    }
    Text t, v;
    if (read_text(args[0], "about_name()", &t) < 0 || read_text(args[3], "about_name()", &v) < 0)
        return NULL;
    Py_ssize_t start = PyLong_AsSsize_t(args[1]);
    if (start == -1 && PyErr_Occurred()) return NULL;
    Py_ssize_t end = PyLong_AsSsize_t(args[2]);
    if (end == -1 && PyErr_Occurred()) return NULL;
    if (start < 0 || end < start || end > t.n) {
        PyErr_SetString(PyExc_ValueError, "about_name(): 0 <= start <= end <= len(text)");
        return NULL;
    }
    /* _name_back: the letters, digits and "_.-" before start, 40 at most. */
    Py_ssize_t i = start, floor = start > 40 ? start - 40 : 0;
    while (i > floor) {
        Py_UCS4 c = at(&t, i - 1);
        if (!(is_alnum(c) || c == '_' || c == '.' || c == '-')) break;
        i--;
    }
    /* _named_after: the value, lower-cased, if it can be one of the words (ASCII, 4
     * characters or more). */
    PyObject *low = NULL;
    if (v.n >= 4) {
        low = lower_case(args[3]);
        if (low == NULL) return NULL;
        if (!PyUnicode_IS_ASCII(low) || PyUnicode_GET_LENGTH(low) < 4) Py_CLEAR(low);
    }
    int result = 0;
    PyObject *last = NULL;
    Py_ssize_t a, b;
    while (next_name_word(&t, &i, end, &a, &b)) {
        PyObject *word = lower_word(&t, a, b);
        if (word == NULL) {
            result = -1;
            break;
        }
        Py_XSETREF(last, word);
        if ((result = PySet_Contains(args[5], word)) != 0) break;
        if (low != NULL && PyUnicode_GET_LENGTH(low) == b - a &&
            memcmp(PyUnicode_1BYTE_DATA(low), PyUnicode_1BYTE_DATA(word), (size_t)(b - a)) == 0) {
            result = 1;
            break;
        }
    }
    if (result == 0 && last != NULL) result = PySet_Contains(args[4], last);
    Py_XDECREF(last);
    Py_XDECREF(low);
    return result < 0 ? NULL : PyBool_FromLong(result);
}

static PyMethodDef methods[] = {
    {"json_strings", json_strings, METH_O,
     "json_strings(body) -> [int]: pseudonymize.restore.json_strings in C."},
    {"card_starts", card_starts, METH_O, "card_starts(text) -> [int]: patterns.card_starts in C."},
    {"number_word_starts", number_word_starts, METH_O,
     "number_word_starts(text) -> [int]: patterns.number_word_starts in C."},
    {"resolve", (PyCFunction)(void (*)(void))resolve, METH_FASTCALL,
     "resolve(spans, priority): engine.resolve in C."},
    {"shannon_entropy", shannon_entropy, METH_O,
     "shannon_entropy(value): validators.shannon_entropy in C (one-byte strings)."},
    {"typed_runs", (PyCFunction)(void (*)(void))typed_runs, METH_FASTCALL,
     "typed_runs(low, consecutive) -> bool: validators.typed_runs in C."},
    {"any_in", (PyCFunction)(void (*)(void))any_in, METH_FASTCALL,
     "any_in(text, words) -> bool: validators.any_in in C."},
    {"counts_up", (PyCFunction)(void (*)(void))counts_up, METH_FASTCALL,
     "counts_up(low) -> bool: validators.counts_up in C."},
    {"placeholder", (PyCFunction)(void (*)(void))placeholder, METH_FASTCALL,
     "placeholder(value, words, naming) -> bool: validators.placeholder in C."},
    {"typed_stretch", typed_stretch, METH_O,
     "typed_stretch(value) -> bool: validators.typed_stretch in C."},
    {"mentions_taken", (PyCFunction)(void (*)(void))mentions_taken, METH_FASTCALL,
     "mentions_taken(text, found, parts): names.mentions_taken in C."},
    {"values_at_runs", (PyCFunction)(void (*)(void))values_at_runs, METH_FASTCALL,
     "values_at_runs(text, index) -> [(pos, value)]: model.values_at_runs in C."},
    {"collect", (PyCFunction)(void (*)(void))collect, METH_FASTCALL,
     "collect(index, start, end, flags, found): scan.collect in C."},
    {"add_hits", (PyCFunction)(void (*)(void))add_hits, METH_FASTCALL,
     "add_hits(hits, found, names, shift, data): scan.add_hits in C."},
    {"span", (PyCFunction)(void (*)(void))span, METH_FASTCALL,
     "span(type, start, end, label): tuple.__new__(type, (start, end, label)) in C."},
    {"word_starts", (PyCFunction)(void (*)(void))word_starts, METH_FASTCALL,
     "word_starts(text, first, not_after) -> [int]: model.word_starts in C."},
    {"word_before", (PyCFunction)(void (*)(void))word_before, METH_FASTCALL,
     "word_before(text, end, window) -> str: names.word_before in C."},
    {"cue_before", (PyCFunction)(void (*)(void))cue_before, METH_FASTCALL,
     "cue_before(text, end, window, strip, label_ends, cues) -> str: names.cue_before in C."},
    {"number_runs", (PyCFunction)(void (*)(void))number_runs, METH_FASTCALL,
     "number_runs(text) -> [(start, end)]: patterns.number_runs in C."},
    {"capitalised_words", capitalised_words, METH_O,
     "capitalised_words(text) -> [(start, end, word)]: names.capitalised_words in C."},
    {"bare_words", bare_words, METH_O, "bare_words(tokens) -> [str]: names.bare_words in C."},
    {"json_colons", json_colons, METH_O,
     "json_colons(body) -> int: gateway.canonical.json_colons in C."},
    /* the secret detector's (cspeed7) */
    {"code_like", code_like, METH_O, "code_like(value) -> bool: secrets._code_like_in_python in C."},
    {"about_name", (PyCFunction)(void (*)(void))about_name, METH_FASTCALL,
     "about_name(text, start, end, value, about_last, about_any) -> bool: "
     "secrets._about_name_in_python in C."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_runs", NULL, -1, methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__runs(void) {
    for (Py_UCS4 c = 0; c < 256; c++)
        in_a_word[c] = is_alnum(c) || c == '@' || c == '.' || c == '_';
    return PyModule_Create(&module);
}

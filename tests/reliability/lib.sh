# lib.sh: shell helpers shared by the reliability tests (sourced, not run).
# Each test script is called by meson as `bash SCRIPT WARTA [FAULTSHIM]` and
# works in its own temporary directory, removed at exit.

set -euo pipefail
export LC_ALL=C
# The sanitizer build: the shim comes before the ASan runtime in the library
# list, and a killed writer must not be reported as a leak.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0:detect_leaks=1"

WARTA=${1:?usage: SCRIPT WARTA [FAULTSHIM]}
SHIM=${2:-}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/warta-rel.XXXXXX")
trap '[ -n "${REL_KEEP:-}" ] || rm -rf "$WORK"' EXIT

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

note() {
    echo "# $*"
}

# gen_corpus FILE SEED N FIRSTID [REPLACE_EVERY]: N articles as JSON Lines,
# ids art-FIRSTID.., Indonesian-looking words; with REPLACE_EVERY=k, every
# k-th article reuses an id from the first 100 (an update of an old article).
gen_corpus() {
    awk -v seed="$2" -v n="$3" -v first="$4" -v rep="${5:-0}" '
    BEGIN {
        srand(seed)
        nw = split("pemerintah presiden menteri rakyat daerah kota desa banjir gempa " \
            "jalan rumah sakit sekolah guru murid harga beras minyak pasar ekonomi " \
            "bank rupiah dolar saham pajak anggaran pembangunan jembatan pelabuhan " \
            "bandara kereta api kapal laut pantai gunung hutan sungai air hujan " \
            "musim panen petani nelayan pabrik buruh gaji kerja polisi tentara " \
            "pasukan perang damai korea utara selatan rusia ukraina amerika china " \
            "jepang jakarta bandung surabaya medan makassar papua aceh bali " \
            "pemilihan umum partai suara calon kampanye debat hukum pengadilan " \
            "hakim jaksa korupsi tersangka saksi bukti penyidik kesehatan vaksin " \
            "dokter obat pasien penyakit olahraga sepak bola pemain pelatih " \
            "pertandingan juara liga gol timnas berlari menulis membaca " \
            "keberangkatan perjalanan pendidikan kebudayaan pariwisata teknologi " \
            "internet ponsel aplikasi digital listrik energi batu bara nikel", W, " ")
        ns = split("Kabar Nusantara|Warta Kota|Suara Timur|Berita Pagi", S, "|")
        for (i = 0; i < n; i++) {
            id = first + i
            if (rep > 0 && i % rep == rep - 1)
                id = 1 + int(rand() * 100)
            title = ""
            for (j = 0; j < 3 + int(rand() * 5); j++)
                title = title (j ? " " : "") W[1 + int(rand() * nw)]
            body = ""
            nb = 20 + int(rand() * 120)
            for (j = 0; j < nb; j++) {
                body = body (j ? " " : "") W[1 + int(rand() * nw)]
                if (rand() < 0.08)
                    body = body "."
            }
            printf("{\"id\": \"art-%d\", \"title\": \"%s\", \"body\": \"%s (batch %d).\", " \
                   "\"date\": \"20%02d-%02d-%02d\", \"source\": \"%s\"}\n",
                   id, title, body, seed, 10 + int(rand() * 15), 1 + int(rand() * 12),
                   1 + int(rand() * 28), S[1 + int(rand() * ns)])
        }
    }' > "$1"
}

QUERIES=("banjir jakarta" "\"pasukan korea utara\" title:gempa" "+harga -beras pen*")

# fingerprint INDEX: what a user sees of the index: the live article count
# and every hit of a few queries (id and score, sorted, so that ties may come
# in another order after a replacement), then a query's top 10 with their
# stored fields.  Prints one line per query; fails when a command fails.
fingerprint() {
    local ix=$1
    "$WARTA" stats -i "$ix" --json | jq -c '{articles}'
    for q in "${QUERIES[@]}"; do
        "$WARTA" search -i "$ix" --json -k 100000 --no-snippets -- "$q" |
            jq -c '{total_hits, hits: (.hits | map([(.score * 1e6 | round), .id]) | sort)}'
    done
    "$WARTA" search -i "$ix" --json -k 10 -- pemerintah |
        jq -c '.hits | map(del(.rank, .score)) | sort_by(.id)'
}

# files_in INDEX: the names of the files in the index directory, sorted.
files_in() {
    (cd "$1" && ls -A | sort)
}

# no_garbage INDEX: fails when the directory holds .tmp files or segments
# and deletion files the manifest does not name (left by a dead writer and
# not cleaned up by the next one).
no_garbage() {
    local ix=$1 f
    for f in $(files_in "$ix"); do
        case $f in
            *.tmp) fail "$ix: leftover temporary file $f" ;;
        esac
    done
    local live
    live=$("$WARTA" stats -i "$ix" --json | jq -r '.segments')
    local nseg
    nseg=$(cd "$ix" && ls -A | grep -c '\.seg$' || true)
    [ "$nseg" = "$live" ] || fail "$ix: $nseg segment files but $live live segments: $(files_in "$ix" | tr '\n' ' ')"
}

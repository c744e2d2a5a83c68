/*
 * test_txt.c: the .txt reader (corpus/txt.c): title and body, the scraper
 * furniture it drops or turns into fields, front matter, and bad input.
 * Inputs are tests/data/txt/ files or short strings fed to
 * corpus_read_buffer().
 */
#include <criterion/criterion.h>

#include "corpus_collect.h"

static collect c;

static void teardown(void)
{
    cc_free(&c);
}

TestSuite(txt, .fini = teardown);

static void read_data_file(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/txt/%s", WARTA_TEST_DATA, name);
    const char *paths[] = {path};
    cr_assert_eq(cc_walk(&c, paths, 1), 0);
}

Test(txt, reads_a_scraped_article_without_its_furniture)
{
    read_data_file("scraped.txt");
    cc_dump(&c);
    cr_assert_eq(c.narts, 1);
    const got_article *a = &c.arts[0];
    cr_expect_str_eq(a->id, "scraped.txt");
    cr_expect_str_eq(a->title, "Petani Garam Madura Sambut Panen Raya Lebih Awal");
    cr_expect_str_eq(a->date, "2019-09-10T14:30");
    cr_expect_str_eq(a->url, "https://kabarpesisir.example/ekonomi/2019/09/10/panen-garam-madura");
    cr_expect_str_eq(a->author, "Siti Rahmawati");
    cr_expect_str_eq(a->tags, "garam, Madura, pertanian");
    cr_expect_str_eq(a->body,
                     "Cuaca kering yang panjang membuat petani garam di Sumenep memanen lebih cepat dari biasanya.\n"
                     "Hamparan tambak garam di pesisir Kalianget saat musim kemarau.\n"
                     "Menurut ketua kelompok tani, produksi tahun ini diperkirakan naik sepertiga.\n"
                     "\n"
                     "Para petani berharap harga tetap stabil hingga akhir musim.");
    cr_expect_eq(c.nprobs, 0);
}

Test(txt, keeps_a_caption_but_not_its_source_tag)
{
    cc_read(&c, "c.txt", "Judul\nWarga antre air bersih di Gunungkidul. (Sumber: Antara) |\nIsi.\n", CORPUS_TXT);
    cr_assert_eq(c.narts, 1);
    cr_expect_str_eq(c.arts[0].body, "Warga antre air bersih di Gunungkidul.\nIsi.");
    cc_free(&c);
    cc_read(&c, "c.txt", "Judul\nFoto bersama. (Foto: Dok. Panitia)|\n", CORPUS_TXT);
    cr_expect_str_eq(c.arts[0].body, "Foto bersama.");
}

Test(txt, drops_ad_markers_inside_lines_and_alone)
{
    cc_read(&c, "a.txt", "Judul\n[iklan_2]\nKalimat satu.[iklan_3] Kalimat dua.\n[ads]\n[Catatan] tetap.\n", CORPUS_TXT);
    cr_assert_eq(c.narts, 1);
    cr_expect_str_eq(c.arts[0].body, "Kalimat satu. Kalimat dua.\n[Catatan] tetap.");
}

Test(txt, turns_sumber_lines_into_url_or_source)
{
    cc_read(&c, "s.txt", "Judul\nIsi berita.\nSumber: Antara\nSumber : http://contoh.example/x\n", CORPUS_TXT);
    cr_assert_eq(c.narts, 1);
    cr_expect_str_eq(c.arts[0].url, "http://contoh.example/x");
    cr_expect_str_eq(c.arts[0].source, "Antara");
    cr_expect_str_eq(c.arts[0].body, "Isi berita.");
}

Test(txt, keeps_a_sentence_that_only_mentions_sumber)
{
    cc_read(&c, "s.txt",
            "Judul\nSumber: menurut pejabat yang tidak mau disebut namanya, rapat itu berlangsung "
            "tertutup selama tiga jam dan berakhir tanpa keputusan apa pun.\n",
            CORPUS_TXT);
    cr_assert_eq(c.narts, 1);
    cr_expect(strstr(c.arts[0].body, "rapat itu berlangsung") != NULL);
    cr_expect_str_eq(c.arts[0].source, "");
}

Test(txt, drops_common_furniture_lines)
{
    cc_read(&c, "f.txt",
            "Judul\n"
            "BACA JUGA: Berita Lain\n"
            "Baca Juga : Berita Lain Lagi\n"
            "Editor : Andi\n"
            "Simak Video 'Banjir di Kota':\n"
            "ADVERTISEMENT\n"
            "SCROLL TO CONTINUE WITH CONTENT\n"
            "Share: Facebook Twitter WhatsApp\n"
            "Bagikan artikel ini\n"
            "Ikuti berita terkini di Google News\n"
            "Copyright 2024 Kabar Contoh\n"
            "Isi yang tersisa.\n"
            "Komentar (12)\n",
            CORPUS_TXT);
    cc_dump(&c);
    cr_assert_eq(c.narts, 1);
    cr_expect_str_eq(c.arts[0].body, "Isi yang tersisa.");
}

Test(txt, keeps_lines_that_start_like_furniture_but_are_text)
{
    cc_read(&c, "k.txt",
            "Judul\nKomentar warganet membanjiri media sosial.\nBacaan doa dibacakan.\nIklan rokok dilarang.\n",
            CORPUS_TXT);
    cr_assert_eq(c.narts, 1);
    cr_expect_str_eq(c.arts[0].body,
                     "Komentar warganet membanjiri media sosial.\nBacaan doa dibacakan.\nIklan rokok dilarang.");
}

Test(txt, handles_crlf_and_a_byte_order_mark)
{
    read_data_file("crlf-bom.txt");
    cr_assert_eq(c.narts, 1);
    cr_expect_str_eq(c.arts[0].title, "Judul dengan BOM");
    cr_expect_str_eq(c.arts[0].body, "Isi baris pertama.\nIsi baris kedua.");
}

Test(txt, reads_front_matter_and_keeps_the_first_line_as_body)
{
    read_data_file("front-matter.txt");
    cr_assert_eq(c.narts, 1);
    const got_article *a = &c.arts[0];
    cr_expect_str_eq(a->title, "Judul dari Front Matter");
    cr_expect_str_eq(a->date, "2024-10-29");
    cr_expect_str_eq(a->url, "https://contoh.example/a");
    cr_expect_str_eq(a->source, "Kabar Contoh");
    cr_expect_str_eq(a->author, "Dewi Lestari");
    cr_expect_str_eq(a->tags, "politik, pemilu");
    cr_expect_str_eq(a->body, "Baris pertama ini adalah isi, bukan judul.");
}

Test(txt, keeps_an_article_with_only_a_title)
{
    read_data_file("title-only.txt");
    cr_assert_eq(c.narts, 1);
    cr_expect_str_eq(c.arts[0].title, "Judul Saja");
    cr_expect_str_eq(c.arts[0].body, "");
    cr_expect_eq(c.nprobs, 0);
}

Test(txt, takes_the_title_from_the_text_when_front_matter_has_none)
{
    cc_read(&c, "n.txt", "---\ndate: 2024-01-02\n---\n", CORPUS_TXT);
    cr_expect_eq(c.narts, 0);
    cr_expect(cc_has_problem(&c, "neither title nor body"));
    cc_free(&c);
    /* front matter title empty, body present: the first line becomes the title */
    cc_read(&c, "n.txt", "---\ntitle: ''\n---\nBaris satu.\nBaris dua.\n", CORPUS_TXT);
    cr_assert_eq(c.narts, 1);
    cr_expect_str_eq(c.arts[0].title, "Baris satu.");
}

Test(txt, repairs_invalid_utf8_with_a_warning)
{
    read_data_file("bad-utf8.txt");
    cr_assert_eq(c.narts, 1);
    cr_expect_str_eq(c.arts[0].title, "Berita tentang caf\xEF\xBF\xBD di Bandung");
    cr_expect_str_eq(c.arts[0].body, "Isi dengan byte \xEF\xBF\xBD rusak.");
    cr_assert_eq(c.nprobs, 1);
    cr_expect_eq(c.probs[0].line, 1);
    cr_expect(!c.probs[0].skipped);
    cr_expect(strstr(c.probs[0].what, "invalid UTF-8") != NULL);
    cr_expect_eq(c.stats.warnings, 1);
    cr_expect_eq(c.stats.skipped, 0);
}

Test(txt, skips_binary_empty_and_blank_files)
{
    read_data_file("binary.txt");
    read_data_file("empty.txt");
    read_data_file("blank.txt");
    cc_dump(&c);
    cr_expect_eq(c.narts, 0);
    cr_assert_eq(c.nprobs, 3);
    cr_expect(strstr(c.probs[0].what, "binary file") != NULL);
    cr_expect(strstr(c.probs[1].what, "empty file") != NULL);
    cr_expect(strstr(c.probs[2].what, "neither title nor body") != NULL);
    for (size_t i = 0; i < 3; i++)
        cr_expect(c.probs[i].skipped);
    cr_expect_eq(c.stats.skipped, 3);
    cr_expect_eq(c.stats.files, 3);
}

Test(txt, warns_about_an_unparseable_front_matter_date)
{
    cc_read(&c, "d.txt", "---\ntitle: T\ndate: suatu hari\n---\nIsi.\n", CORPUS_TXT);
    cr_assert_eq(c.narts, 1);
    cr_expect(!c.arts[0].has_date);
    cr_expect(cc_has_problem(&c, "unparseable date 'suatu hari'"));
    cr_expect_eq(c.stats.warnings, 1);
}

Test(txt, skips_a_file_over_the_article_cap)
{
    size_t n = CORPUS_MAX_ARTICLE + 10;
    char *big = malloc(n);
    memset(big, 'a', n);
    big[5] = '\n';
    cc_read_len(&c, "big.txt", big, n, CORPUS_TXT);
    free(big);
    cr_expect_eq(c.narts, 0);
    cr_expect(cc_has_problem(&c, "16 MiB"));
}

Test(txt, keeps_a_foto_or_video_headline_as_the_title)
{
    cc_read(&c, "f.txt", "FOTO: Suasana Mudik di Stasiun Senen\nFoto: Dok. Humas\nPenumpang memadati peron.\n",
            CORPUS_TXT);
    cr_assert_eq(c.narts, 1);
    cr_expect_str_eq(c.arts[0].title, "FOTO: Suasana Mudik di Stasiun Senen");
    cr_expect_str_eq(c.arts[0].body, "Penumpang memadati peron.");
}

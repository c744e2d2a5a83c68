/*
 * test_base.c: the growable buffer, varints, CRC32 and the allocation hook
 * of corpus/base.c.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "corpus/base.h"
#include "warta.h"

Test(wbuf, appends_and_stays_nul_terminated)
{
    wbuf b = WBUF_INIT;
    wbuf_puts(&b, "kabar");
    wbuf_putc(&b, ' ');
    wbuf_printf(&b, "%d/%s", 12, "nusantara");
    cr_assert_str_eq(b.data, "kabar 12/nusantara");
    cr_assert_eq(b.len, strlen("kabar 12/nusantara"));
    wbuf_reset(&b);
    cr_assert_eq(b.len, 0);
    cr_assert_str_eq(b.data, "");
    wbuf_free(&b);
    cr_assert_null(b.data);
}

Test(wbuf, printf_longer_than_the_small_buffer)
{
    wbuf b = WBUF_INIT;
    char big[1000];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    wbuf_printf(&b, "<%s>", big);
    cr_assert_eq(b.len, 1001);
    cr_assert_eq(b.data[0], '<');
    cr_assert_eq(b.data[1000], '>');
    wbuf_free(&b);
}

Test(varint, roundtrips_boundaries)
{
    static const uint64_t cases[] = {0, 1, 127, 128, 255, 16383, 16384, UINT32_MAX,
                                     (uint64_t)UINT32_MAX + 1, UINT64_MAX - 1, UINT64_MAX};
    wbuf b = WBUF_INIT;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        wbuf_put_varint(&b, cases[i]);
    const uint8_t *p = (const uint8_t *)b.data, *end = p + b.len;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint64_t v;
        cr_assert(varint_get(&p, end, &v));
        cr_assert_eq(v, cases[i]);
    }
    cr_assert_eq(p, end);
    wbuf_free(&b);
}

Test(varint, rejects_truncated_and_overlong_input)
{
    const uint8_t trunc[] = {0x80, 0x80};
    const uint8_t *p = trunc;
    uint64_t v;
    cr_assert_not(varint_get(&p, trunc + sizeof trunc, &v));
    cr_assert_eq(p, trunc);
    uint8_t overlong[11];
    memset(overlong, 0xff, sizeof overlong);
    p = overlong;
    cr_assert_not(varint_get(&p, overlong + sizeof overlong, &v));
}

Test(crc32, matches_the_crc32c_check_value)
{
    cr_assert_eq(wcrc32(0, "123456789", 9), 0xE3069283u);
    uint32_t c = wcrc32(0, "12345", 5);
    cr_assert_eq(wcrc32(c, "6789", 4), 0xE3069283u);
    cr_assert_eq(wcrc32_portable(0, "123456789", 9), 0xE3069283u);
    cr_assert_eq(wcrc32(0, "", 0), 0);
}

Test(crc32, long_buffers_taken_in_three_streams_agree_with_the_portable_path)
{
    size_t cap = 40000;
    uint8_t *buf = malloc(cap);
    cr_assert_not_null(buf);
    uint32_t x = 12345;
    for (size_t i = 0; i < cap; i++) {
        x = x * 1103515245u + 12345u;
        buf[i] = (uint8_t)(x >> 16);
    }
    size_t lens[] = {3071, 3072, 3073, 6144, 9217, 20000, 39990};
    for (size_t k = 0; k < sizeof lens / sizeof *lens; k++)
        for (size_t off = 0; off < 5; off++) {
            size_t n = lens[k];
            cr_assert_eq(wcrc32(0, buf + off, n), wcrc32_portable(0, buf + off, n), "len %zu", n);
            if (n > 5000)
                cr_assert_eq(wcrc32(wcrc32(0, buf + off, 5000), buf + off + 5000, n - 5000 + 1),
                             wcrc32_portable(0, buf + off, n + 1), "split len %zu", n);
        }
    free(buf);
}

Test(crc32, hardware_and_portable_paths_agree_at_every_length_and_alignment)
{
    uint8_t buf[300];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (uint8_t)(i * 167 + 13);
    for (size_t off = 0; off < 9; off++)
        for (size_t n = 0; off + n <= sizeof buf; n += 7) {
            uint32_t a = wcrc32(0, buf + off, n), b = wcrc32_portable(0, buf + off, n);
            cr_assert_eq(a, b, "off %zu len %zu", off, n);
            /* continuing across a split gives the same value */
            uint32_t c = wcrc32(wcrc32(0, buf + off, n / 3), buf + off + n / 3, n - n / 3);
            cr_assert_eq(a, c, "split off %zu len %zu", off, n);
        }
}

Test(alloc, fails_the_nth_allocation_then_recovers)
{
    warta_alloc_fail_after(2);
    void *a = wmalloc(8), *b = wmalloc(8), *c = wmalloc(8), *d = wmalloc(8);
    warta_alloc_fail_after(-1);
    cr_assert_not_null(a);
    cr_assert_not_null(b);
    cr_assert_null(c);
    cr_assert_not_null(d);
    wfree(a);
    wfree(b);
    wfree(d);
}

Test(wbuf, a_failed_append_is_sticky)
{
    wbuf b = WBUF_INIT;
    warta_alloc_fail_after(0);
    wbuf_puts(&b, "x");
    warta_alloc_fail_after(-1);
    cr_assert(b.oom);
    wbuf_puts(&b, "y");
    cr_assert(b.oom);
    cr_assert_eq(b.len, 0);
    wbuf_free(&b);
}

Test(errors, every_code_has_a_name)
{
    for (int c = 0; c >= WARTA_ENOSPC; c--)
        cr_assert_str_neq(warta_strerror(c), "unknown error");
    cr_assert_str_eq(warta_strerror(-1000), "unknown error");
}

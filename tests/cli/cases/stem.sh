# warta stem: one stem per word, from arguments or standard input.
"$WARTA" stem mengirim menulis memukul menyapu mengebom pemerintah belajar menteri berita Pyongyang
printf 'Menulis\n\nberlari-lari\n' | "$WARTA" stem
"$WARTA" stem --bogus; echo "exit $?"

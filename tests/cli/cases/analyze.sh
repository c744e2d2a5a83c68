# warta analyze: terms on one line; stdin gives one line per input line; errors.
"$WARTA" analyze "Anak-anak berlari-lari di Korea-Rusia, 10/9/2019 10:30"
"$WARTA" analyze "Pemerintah mengirim 12.000 pasukan ke Kursk"
"$WARTA" analyze --no-stem "Pemerintah mengirim pasukan"
"$WARTA" analyze --keep-stopwords "yang mengirim dan menerima"
printf 'Menteri berita\n\nyang dan di\npemerintahan\n' | "$WARTA" analyze
"$WARTA" analyze --json "Kiriman 2,5 ton"
"$WARTA" analyze --bogus; echo "exit $?"
"$WARTA" analyze --lexicon /nonexistent/id.dic kata; echo "exit $?"

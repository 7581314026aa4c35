"""Japanese input is normalised, not refused: real-world inputs for every rule."""

import pytest

from webapp.text import (
    InvalidDate,
    InvalidKana,
    InvalidPhone,
    InvalidPostalCode,
    format_phone,
    format_postal_code,
    hiragana_to_katakana,
    nfkc,
    nfkc_multiline,
    normalize_kana,
    normalize_month,
    normalize_phone,
    normalize_postal_code,
    normalize_year,
    postal_code_prefixes,
)


@pytest.mark.parametrize(
    "typed, digits",
    [
        ("０９０－１２３４－５６７８", "09012345678"),  # full-width digits and hyphens
        ("090-1234-5678", "09012345678"),
        ("09012345678", "09012345678"),
        ("０８０ー１２３４ー５６７８", "08012345678"),  # the long vowel mark typed for a hyphen
        ("070‐1234‐5678", "07012345678"),  # U+2010 hyphen
        ("090−1234−5678", "09012345678"),  # U+2212 minus sign
        ("090 1234 5678", "09012345678"),
        ("０９０　１２３４　５６７８", "09012345678"),  # ideographic spaces
        ("(048) 123-4567", "0481234567"),  # landline with area code in brackets
        ("048-123-4567", "0481234567"),
        ("０４２－５１４－００００", "0425140000"),
        ("03-1234-5678", "0312345678"),  # Tokyo
        ("0480-12-3456", "0480123456"),  # four-digit area code
        ("050-1234-5678", "05012345678"),  # IP phone
        ("0120-123-456", "0120123456"),  # free dial
        ("+81 90-1234-5678", "09012345678"),
    ],
)
def test_phone_numbers_in_japanese_formats_become_digits(typed, digits):
    assert normalize_phone(typed) == digits


@pytest.mark.parametrize(
    "typed",
    ["", "abc", "090-1234", "1234-5678", "090-1234-5678-9", "０９０－ＡＢＣＤ－５６７８", "110"],
)
def test_phone_numbers_that_cannot_be_japanese_are_refused(typed):
    with pytest.raises(InvalidPhone):
        normalize_phone(typed)


@pytest.mark.parametrize(
    "digits, shown",
    [("09012345678", "090-1234-5678"), ("0481234567", "048-123-4567"), ("", "")],
)
def test_phone_numbers_are_shown_hyphenated(digits, shown):
    assert format_phone(digits) == shown


@pytest.mark.parametrize(
    "typed",
    [
        "〒３３６ー０９６７",
        "〒336-0967",
        "336-0967",
        "３３６－０９６７",
        "336‐0967",  # U+2010
        "336−0967",  # U+2212
        "336ｰ0967",  # half-width long vowel mark
        "3360967",
        " 336 0967 ",
        "〒 ３３６０９６７",
    ],
)
def test_postal_codes_become_seven_digits(typed):
    assert normalize_postal_code(typed) == "3360967"


@pytest.mark.parametrize("typed", ["", "336-096", "336-09677", "33６-O967", "〒", "abc-defg"])
def test_postal_codes_that_are_not_seven_digits_are_refused(typed):
    with pytest.raises(InvalidPostalCode):
        normalize_postal_code(typed)


def test_postal_codes_are_shown_with_a_hyphen():
    assert format_postal_code("3360967") == "336-0967"
    assert format_postal_code(None) == ""


def test_postal_code_prefixes_of_an_area():
    assert postal_code_prefixes("336-09, ３３７０、〒337\n33609") == ["33609", "3370", "337"]
    assert postal_code_prefixes("") == []
    with pytest.raises(InvalidPostalCode):
        postal_code_prefixes("336, misono")


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("やまだ はなこ", "ヤマダ ハナコ"),  # hiragana
        ("ヤマダ ハナコ", "ヤマダ ハナコ"),  # katakana
        ("ﾔﾏﾀﾞ ﾊﾅｺ", "ヤマダ ハナコ"),  # half-width katakana with voiced mark
        ("やまだ　はなこ", "ヤマダ ハナコ"),  # ideographic space
        ("  さとう   けんた ", "サトウ ケンタ"),
        ("きょうこ", "キョウコ"),  # small kana
        ("ゆうき", "ユウキ"),
        ("らーめん", "ラーメン"),
        ("ラ-メン", "ラーメン"),  # hyphen typed for the long vowel mark
        ("ら－めん", "ラーメン"),  # full-width hyphen
        ("ジョン・スミス", "ジョン・スミス"),  # foreign names with the middle dot
        ("ゔぃくとりあ", "ヴィクトリア"),
        ("", ""),
    ],
)
def test_kana_is_accepted_in_hiragana_or_katakana_and_stored_in_katakana(typed, stored):
    assert normalize_kana(typed) == stored


@pytest.mark.parametrize(
    "typed, kanji",
    [("山田 はなこ", "山田"), ("やまだ 花子", "花子"), ("佐々木", "佐々木"), ("Yamada", "")],
)
def test_kana_with_kanji_or_letters_is_refused_naming_the_kanji(typed, kanji):
    with pytest.raises(InvalidKana) as error:
        normalize_kana(typed)
    assert error.value.kanji == kanji


def test_hiragana_to_katakana_leaves_other_text_alone():
    assert hiragana_to_katakana("あいう ABC 漢字") == "アイウ ABC 漢字"


@pytest.mark.parametrize(
    "typed, clean",
    [
        ("山田　花子", "山田 花子"),  # ideographic space becomes one ordinary space
        ("  山田   花子  ", "山田 花子"),
        ("ＹＡＭＡＤＡ　Ｈａｎａｋｏ", "YAMADA Hanako"),  # full-width letters
        ("山田\t花子", "山田 花子"),
    ],
)
def test_spaces_in_names_become_one_ordinary_space(typed, clean):
    assert nfkc(typed) == clean


@pytest.mark.parametrize(
    "typed, year",
    [
        ("2021", 2021),
        ("２０２１", 2021),
        ("2021年", 2021),
        ("令和3年", 2021),
        ("令和３年", 2021),
        ("R3", 2021),
        ("r3", 2021),
        ("Ｒ３", 2021),
        ("平成30年", 2018),
        ("H30", 2018),
        ("平成元年", 1989),
        ("令和元年", 2019),
        ("昭和64年", 1989),
        ("令和3年生まれ", 2021),
    ],
)
def test_birth_years_in_western_or_japanese_eras(typed, year):
    assert normalize_year(typed) == year


@pytest.mark.parametrize("typed", ["", "三年", "令和", "R0", "令和99", "21", "二〇二一", "2021/4"])
def test_unreadable_years_are_refused(typed):
    with pytest.raises(InvalidDate):
        normalize_year(typed)


@pytest.mark.parametrize(
    "typed, month", [("4", 4), ("04", 4), ("４", 4), ("4月", 4), ("１２月", 12)]
)
def test_birth_months(typed, month):
    assert normalize_month(typed) == month


@pytest.mark.parametrize("typed", ["", "0", "13", "四月", "April"])
def test_unreadable_months_are_refused(typed):
    with pytest.raises(InvalidDate):
        normalize_month(typed)


def test_control_characters_are_dropped_and_notes_keep_their_lines():
    assert nfkc("山田\x00花子\x07") == "山田花子"
    assert (
        nfkc_multiline("卵アレルギー\r\n\r\n\r\n\r\nそば\x00 も  だめ ")
        == "卵アレルギー\n\nそば も だめ"
    )

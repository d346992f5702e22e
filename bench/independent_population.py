"""A population of distinct Vietnamese people, made independently of the project's generator.

    .venv/bin/python bench/independent_population.py OUT_FOLDER --persons 100000 [--seed 1]

Writes ``OUT_FOLDER/bhxh.csv`` in the BHXH household extract format
(../shared/formats/bhxh-household-extract.md): every row a different human, so
any pair the registry merges is a false merge. It shares no code or name list
with ``healthid.synth`` or the matcher, on purpose: a model fitted on one
generator's habits must be tried on another's. What it draws, from general
knowledge of Vietnamese naming and demography (approximate, not census data):

- family names with the commonly cited national shares (Nguyễn about a third)
  and a long tail, Hoàng/Vũ in the north written Huỳnh/Võ in the south;
- middle names by sex and generation (Văn and Thị for most people born before
  1975, far fewer since), shared by brothers half of the time;
- given names by sex and generation with a Zipf-like spread (an old-fashioned
  list and a modern one, so a name common among grandparents is rare among
  children), about 130 a sex and generation;
- households of a head, a spouse, children and sometimes a grandparent; twins
  in 1.5 % of births, a quarter of them given one name with different middle
  names (Nguyễn Văn An, Nguyễn Minh An);
- birth year only for about half of the people born before 1960, year and
  month for some; provinces weighted by population (the 63 provinces before
  2025), birthplaces written as people write them; CCCD for most adults.

Faker's vi_VN locale is not used: it puts the given name first.
"""

from __future__ import annotations

import argparse
import csv
import random
import unicodedata
from pathlib import Path

COLUMNS = ["MA_HO_GD", "MA_SO_BHXH", "SO_CCCD", "HO_TEN", "NGAY_SINH", "GIOI_TINH",
           "MA_THE_BHYT", "NOI_SINH", "MATINH_CU_TRU", "MAXA_CU_TRU", "DIA_CHI",
           "QUAN_HE_CHU_HO", "NGAY_CAP_NHAT"]  # fmt: skip

# The 63 provinces before 2025: (CCCD province code, name, population in 100,000s).
PROVINCES = [
    ("001", "Hà Nội", 81), ("002", "Hà Giang", 9), ("004", "Cao Bằng", 5), ("006", "Bắc Kạn", 3),
    ("008", "Tuyên Quang", 8), ("010", "Lào Cai", 7), ("011", "Điện Biên", 6),
    ("012", "Lai Châu", 5), ("014", "Sơn La", 13), ("015", "Yên Bái", 8), ("017", "Hòa Bình", 9),
    ("019", "Thái Nguyên", 13), ("020", "Lạng Sơn", 8), ("022", "Quảng Ninh", 13),
    ("024", "Bắc Giang", 18), ("025", "Phú Thọ", 15), ("026", "Vĩnh Phúc", 12),
    ("027", "Bắc Ninh", 14), ("030", "Hải Dương", 19), ("031", "Hải Phòng", 20),
    ("033", "Hưng Yên", 13), ("034", "Thái Bình", 19), ("035", "Hà Nam", 9),
    ("036", "Nam Định", 18), ("037", "Ninh Bình", 10), ("038", "Thanh Hóa", 36),
    ("040", "Nghệ An", 33), ("042", "Hà Tĩnh", 13), ("044", "Quảng Bình", 9),
    ("045", "Quảng Trị", 6), ("046", "Thừa Thiên Huế", 11), ("048", "Đà Nẵng", 11),
    ("049", "Quảng Nam", 15), ("051", "Quảng Ngãi", 12), ("052", "Bình Định", 15),
    ("054", "Phú Yên", 10), ("056", "Khánh Hòa", 12), ("058", "Ninh Thuận", 6),
    ("060", "Bình Thuận", 12), ("062", "Kon Tum", 5), ("064", "Gia Lai", 15),
    ("066", "Đắk Lắk", 19), ("067", "Đắk Nông", 6), ("068", "Lâm Đồng", 13),
    ("070", "Bình Phước", 10), ("072", "Tây Ninh", 12), ("074", "Bình Dương", 24),
    ("075", "Đồng Nai", 31), ("077", "Bà Rịa - Vũng Tàu", 12), ("079", "Hồ Chí Minh", 90),
    ("080", "Long An", 17), ("082", "Tiền Giang", 18), ("083", "Bến Tre", 13),
    ("084", "Trà Vinh", 10), ("086", "Vĩnh Long", 10), ("087", "Đồng Tháp", 16),
    ("089", "An Giang", 19), ("091", "Kiên Giang", 17), ("092", "Cần Thơ", 12),
    ("093", "Hậu Giang", 7), ("094", "Sóc Trăng", 12), ("095", "Bạc Liêu", 9),
    ("096", "Cà Mau", 12),
]  # fmt: skip

# National shares in tenths of a percent; the long tail shares what is left.
FAMILY = {"Nguyễn": 315, "Trần": 110, "Lê": 95, "Phạm": 65, "Hoàng": 51, "Phan": 45, "Vũ": 39,
          "Đặng": 21, "Bùi": 20, "Đỗ": 14, "Hồ": 13, "Ngô": 13, "Dương": 10, "Lý": 5}  # fmt: skip
TAIL = [
    "Đinh", "Trịnh", "Đào", "Mai", "Trương", "Lương", "Lưu", "Cao", "Tạ", "Hà", "Lâm", "Chu",
    "Kiều", "Thái", "Tô", "Quách", "Vương", "Phùng", "Lục", "Triệu", "Doãn", "Khúc", "Nông",
    "Hứa", "Tăng", "Châu", "La", "Giang", "Mạc", "Đoàn", "Tống", "Âu", "Thân", "Tôn", "Kim",
    "Lạc", "Cù", "Ninh", "Khổng", "Phí", "Quan", "Sầm", "Lò", "Cầm", "Hầu", "Lã", "Diệp",
    "Bạch", "Đàm", "Tiêu", "Ông", "Từ", "Nghiêm", "Mã", "Nhữ", "Viên", "Văn", "Thạch", "Danh",
    "Lại", "Khương", "Ung", "Phó", "Mẫn",
]  # fmt: skip
SOUTHERN = {"Hoàng": "Huỳnh", "Vũ": "Võ"}
CITIES = {"Hà Nội", "Hải Phòng", "Đà Nẵng", "Hồ Chí Minh", "Cần Thơ"}

MIDDLE = {
    ("m", "old"): "Văn 60 Đức 6 Hữu 6 Đình 5 Xuân 4 Quang 4 Công 4 Ngọc 3 Minh 3 Thanh 3 Bá 2 "
    "Thế 2 Trọng 2 Viết 2 Khắc 1 Duy 1 Mạnh 1 Quốc 1 Tiến 1 Kim 1",
    ("m", "new"): "Văn 25 Minh 10 Đức 8 Quang 6 Quốc 5 Hoàng 4 Anh 4 Thành 4 Gia 4 Hữu 4 Bảo 3 "
    "Tuấn 3 Công 3 Thanh 3 Đình 3 Duy 3 Nhật 3 Trung 2 Xuân 2 Hải 2 Khánh 2 Ngọc 2 Thiên 1",
    ("f", "old"): "Thị 82 Ngọc 4 Thu 3 Thanh 3 Kim 3 Hồng 2 Xuân 2 Minh 1 Bích 1 Lệ 1",
    ("f", "new"): "Thị 38 Ngọc 8 Thu 5 Thanh 5 Minh 5 Phương 4 Thùy 4 Bảo 4 Khánh 3 Kim 3 Hồng 3 "
    "Mai 3 Hải 2 Diệu 2 Quỳnh 2 Như 2 Gia 2 Hoài 2 Thảo 2 Tuệ 1 Yến 1 Cẩm 1 Bích 1",
}

# In rough order of commonness for the generation; weights fall as 1 / (rank + 6).
GIVEN = {
    ("m", "old"): "Hùng Dũng Tuấn Minh Thắng Hải Sơn Bình Cường Hưng Thành Long Nam Trung Quang "
    "Hòa Tâm Vinh Phúc Đức Thanh Toàn Lâm Hiếu Huy Tùng Hoàng Khánh Phong Tiến Việt Lợi Tài "
    "Thịnh Lộc Tân Chiến Thọ Phương Quý Thuận Nghĩa Mạnh Kiên Hiền Lực Tư Ba Năm Sáu Bảy Tám "
    "Hai Định Hạnh Thủy An Bằng Chính Châu Công Cảnh Đông Giang Hà Hậu Hiệp Hoan Học Khải "
    "Khoa Kỳ Linh Luân Lương Mười Nhân Ninh Phát Phú Quyết Sang Thái Thân Thiện Thông Thuấn "
    "Tín Toản Trí Triều Trọng Trường Tuyên Tường Văn Vượng Xuân Yên Biên Cầu Chung Doanh "
    "Đạo Điệp Đoan Hòe Khang Khôi Liêm Lĩnh Nhàn Phụng Quế Sáng Thiêm Thược Tịnh Tuân Uy",
    ("m", "new"): "Huy Minh Khang Bảo Phúc An Nam Khôi Long Duy Hoàng Đức Quân Anh Kiệt Đạt "
    "Thịnh Tuấn Vinh Lâm Hiếu Nhật Khoa Trí Phát Thiện Tín Sơn Quang Hưng Tài Thắng Tú "
    "Dương Kiên Khải Tùng Việt Hải Nguyên Toàn Lộc Tiến Hào Trung Thành Vũ Phong Khánh Đăng "
    "Gia Bách Tường Hậu Luân Sang Thông Triết Định Phước Hùng Dũng Cường Bình Tâm Hòa Nghĩa "
    "Quý Tân Lực Mạnh Trường Vương Thái Hiển Hiệp Đông Chương Danh Điền Hoan Kỳ Lợi Lương "
    "Ngọc Nhân Phú Quốc Sĩ Thạch Thuận Toản Tuệ Vĩnh Xuân Yên Ân Bằng Cảnh Chí Công Doanh "
    "Đại Đoàn Giang Hà Hoà Huân Khiêm Khương Lân Lĩnh Mẫn Nhân Phi Quyền Tấn Thiên Tuyên",
    ("f", "old"): "Lan Hương Hoa Hồng Nga Hà Hằng Thủy Thu Mai Dung Hạnh Loan Liên Huệ Cúc "
    "Tuyết Hiền Yến Oanh Nhung Phượng Thảo Vân Xuân Bích Thoa Lệ Hải Đào Minh Thanh Tâm Sen "
    "Nguyệt Ngọc Nhàn Huyền Quyên Hòa Lý Thúy Phương Trang Diệp Thắm Hậu Ánh Chi Lụa Nụ Gái "
    "Tươi Mơ Hảo Duyên Hiên Khuyên Lài Lựu Mận Nhạn Đông Gấm Hường Kim Liễu Lộc Luyến Năm "
    "Ngân Nhị Phấn Quế Sáu Tám Thơm Thìn Tình Trinh Tư Uyên Vui Xoan Xuyến Yên Ba Bảy Bông "
    "Châu Chanh Diệu Dịu Điệp Giang Hiền Hoài Hợi Hưởng Khánh Khuê Lành Lê Lưu Mỹ Ngà Nhài "
    "Phúc Quý Sâm Sương Thêu Thịnh Thuần Thược Trâm Trầm Vinh Vóc",
    ("f", "new"): "Linh Anh Trang Vy Nhi Ngọc Phương Thảo Hà My Hương Quỳnh Huyền Nhung Trâm "
    "Giang Uyên Ngân Hân Thư Châu An Hiền Như Tiên Yến Chi Mai Thủy Trinh Khánh Ly Vân Thu "
    "Hằng Duyên Hạnh Tâm Diệp Hoa Lan Nga Tú Thy Nhàn Loan Ánh Kiều Bích Diễm Nguyệt Quyên "
    "Trúc Oanh Tuyết Xuân Hồng Hoài Thương Minh Khuê Lam Băng Đan Hạ Hiên Hòa Hồng Lê Mỹ Na "
    "Nghi Nhiên Phúc Quế Sa Tịnh Trà Tường Vi Xuyến Ái Âu Cát Dao Diệu Đào Gia Hảo Hậu Kim "
    "Lệ Liên Linh Mẫn Miên Ngà Nhã Nhật Phụng Quý Sương Thanh Thoa Thơ Thục Tiểu Trân Tuệ "
    "Uyển Vũ Xinh Yên Bảo Cẩm Chinh Dung Đoan Hạnh Hồ Huệ Khải Khanh Lụa",
}
CURRENT_YEAR = 2026


def weighted(text: str) -> tuple[list[str], list[float]]:
    """Names with weights: explicit ("Văn 60 …") or by rank (1 / (rank + 6))."""
    words = text.split()
    if len(words) > 1 and words[1].isdigit():
        return words[::2], [float(w) for w in words[1::2]]
    unique = list(dict.fromkeys(words))
    return unique, [1 / (rank + 6) for rank in range(len(unique))]


class Drawer:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)  # test data, not secrets
        tail_share = (1000 - sum(FAMILY.values())) / len(TAIL)
        self.family = list(FAMILY) + TAIL
        self.family_w = [float(v) for v in FAMILY.values()] + [tail_share] * len(TAIL)
        self.middle = {k: weighted(v) for k, v in MIDDLE.items()}
        self.given = {k: weighted(v) for k, v in GIVEN.items()}
        self.province_w = [float(p[2]) for p in PROVINCES]
        self.used_si: set[str] = set()
        self.used_cccd: set[str] = set()
        self.people = 0

    def pick(self, names: tuple[list[str], list[float]]) -> str:
        return self.rng.choices(names[0], names[1])[0]

    def family_name(self, south: bool) -> str:
        name = self.rng.choices(self.family, self.family_w)[0]
        return SOUTHERN.get(name, name) if south and self.rng.random() < 0.8 else name

    def given_name(self, sex: str, year: int, middle: str | None = None) -> tuple[str, str]:
        era = "old" if year < 1975 else "new"
        middle = middle or self.pick(self.middle[(sex, era)])
        return middle, self.pick(self.given[(sex, era)])

    def birth_date(self, year: int) -> str:
        only_year = 0.5 if year < 1960 else 0.12 if year < 1975 else 0.01
        if self.rng.random() < only_year:
            return f"{year}0000"
        if self.rng.random() < 0.02:
            return f"{year}{self.rng.randint(1, 12):02d}00"
        month = self.rng.randint(1, 12)
        day = self.rng.randint(1, 28 if month == 2 else 30 if month in (4, 6, 9, 11) else 31)
        return f"{year}{month:02d}{day:02d}"

    def unique(self, used: set[str], prefix: str, digits: int) -> str:
        while True:
            value = f"{prefix}{self.rng.randrange(10**digits):0{digits}d}"
            if value not in used:
                used.add(value)
                return value

    def birthplace(self, home: int, year: int) -> str:
        if self.rng.random() < 0.12:
            return ""
        index = (
            home
            if self.rng.random() < 0.85
            else self.rng.choices(range(len(PROVINCES)), self.province_w)[0]
        )
        name = PROVINCES[index][1]
        style = self.rng.random()
        if style < 0.1:  # typed without marks
            return (
                "".join(
                    c for c in unicodedata.normalize("NFD", name) if unicodedata.category(c) != "Mn"
                )
                .replace("Đ", "D")
                .replace("đ", "d")
            )
        if style < 0.15:
            return f"TP {name}" if name in CITIES else f"Tỉnh {name}"
        return name

    def person(
        self, where: tuple[str, int], who: tuple[str, str, int, str], name: tuple[str, str, str],
        date: str | None = None,
    ) -> dict[str, str]:  # fmt: skip
        household, home = where
        sex, relation, year, updated = who
        self.people += 1
        code = PROVINCES[home][0]
        has_si = self.rng.random() > 0.02
        age = CURRENT_YEAR - year
        has_cccd = not has_si or self.rng.random() < (0.85 if age >= 14 else 0.3)
        century = 0 if year < 2000 else 2
        si = self.unique(self.used_si, code[1:], 8) if has_si else ""
        cccd_prefix = f"{code}{century + (sex == 'f')}{year % 100:02d}"
        group = "TE" if age < 6 else "HS" if age < 18 else "HT" if age >= 60 else "GD"
        card = f"{group}4{code[1:]}{si}" if si and self.rng.random() < 0.8 else ""
        return {
            "MA_HO_GD": household,
            "MA_SO_BHXH": si,
            "SO_CCCD": self.unique(self.used_cccd, cccd_prefix, 6) if has_cccd else "",
            "HO_TEN": " ".join(part for part in name if part),
            "NGAY_SINH": date or self.birth_date(year),
            "GIOI_TINH": "1" if sex == "m" else "2",
            "MA_THE_BHYT": card,
            "NOI_SINH": self.birthplace(home, year),
            "MATINH_CU_TRU": "",
            "MAXA_CU_TRU": "",
            "DIA_CHI": f"Thôn {self.rng.randint(1, 20)}, {PROVINCES[home][1]}",
            "QUAN_HE_CHU_HO": relation,
            "NGAY_CAP_NHAT": updated,
        }

    def household(self, number: int) -> list[dict[str, str]]:
        rng = self.rng
        home = rng.choices(range(len(PROVINCES)), self.province_w)[0]
        south = int(PROVINCES[home][0]) >= 70
        code = f"HG{number:013d}"
        updated = f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T08:00:00+07:00"
        head_year = min(2004, max(1930, int(rng.triangular(1935, 2004, 1975))))
        head_sex = "m" if rng.random() < 0.72 else "f"
        family = self.family_name(south)
        rows = []

        def add(
            sex: str, relation: str, year: int, name: tuple[str, str, str], date: str | None = None
        ) -> None:
            rows.append(self.person((code, home), (sex, relation, year, updated), name, date))

        add(head_sex, "Chủ hộ", head_year, (family, *self.given_name(head_sex, head_year)))
        father = family if head_sex == "m" else self.family_name(south)
        if rng.random() < 0.78:
            sex = "f" if head_sex == "m" else "m"
            year = min(2004, max(1928, head_year + rng.randint(-7, 4)))
            surname = self.family_name(south) if sex == "f" else father
            add(sex, "Vợ" if sex == "f" else "Chồng", year, (surname, *self.given_name(sex, year)))
        if rng.random() < 0.15 and head_year > 1955:
            year = max(1920, head_year - rng.randint(20, 35))
            sex = "f" if rng.random() < 0.65 else "m"
            surname = family if sex == "m" else self.family_name(south)
            add(sex, "Mẹ" if sex == "f" else "Bố", year, (surname, *self.given_name(sex, year)))
        brothers = rng.choice([None, self.given_name("m", head_year + 25)[0]])
        given_used: set[str] = set()
        for _ in range(rng.choices([0, 1, 2, 3, 4, 5], [12, 24, 36, 18, 7, 3])[0]):
            year = head_year + rng.randint(19, 42)
            if year >= CURRENT_YEAR:
                continue
            twins = rng.random() < 0.015
            date = self.birth_date(year) if twins else None
            for _twin in range(2 if twins else 1):
                sex = rng.choice("mf")
                middle, given = self.given_name(sex, year, brothers if sex == "m" else None)
                if (
                    twins
                    and _twin == 1
                    and rng.random() < 0.25
                    and rows[-1]["GIOI_TINH"] == ("1" if sex == "m" else "2")
                ):
                    # One given name, two middle names: the twins the matcher must keep apart.
                    given = rows[-1]["HO_TEN"].split()[-1]
                    others = [
                        m for m in self.middle[(sex, "new")][0] if m not in rows[-1]["HO_TEN"]
                    ]
                    middle = rng.choice(others)
                elif given in given_used:  # parents do not give two children one name
                    continue
                given_used.add(given)
                add(sex, "Con", year, (father, middle, given), date)
        return rows


def write(out: Path, *, persons: int, seed: int) -> int:
    """``out/bhxh.csv`` with ``persons`` distinct people; the number written."""
    out.mkdir(parents=True, exist_ok=True)
    drawer = Drawer(seed)
    written = 0
    with (out / "bhxh.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        number = 0
        while written < persons:
            number += 1
            for row in drawer.household(number)[: persons - written]:
                writer.writerow(row)
                written += 1
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(f"{write(args.out, persons=args.persons, seed=args.seed):,} people written")


if __name__ == "__main__":
    main()

"""Vietnamese name parts with rough real-world frequencies, family name first.

Faker's vi_VN locale is not used: it puts the given name first and knows ten
family names. Family-name shares follow the commonly cited estimates (Nguyễn
about 38 %, Trần 12 %, Lê 9.5 % …); middle names are gendered (Văn, Thị);
given names are a common set per sex.
"""

from __future__ import annotations

FAMILY_NAMES: dict[str, float] = {
    "Nguyễn": 38.4, "Trần": 12.1, "Lê": 9.5, "Phạm": 7.0, "Hoàng": 3.1, "Huỳnh": 2.0,
    "Phan": 4.5, "Vũ": 2.4, "Võ": 1.5, "Đặng": 2.1, "Bùi": 2.0, "Đỗ": 1.4, "Hồ": 1.3,
    "Ngô": 1.3, "Dương": 1.0, "Lý": 0.5, "Đinh": 0.6, "Trương": 0.6, "Lương": 0.4,
    "Mai": 0.4, "Tạ": 0.3, "Đào": 0.4, "Cao": 0.3, "Lâm": 0.3, "Hà": 0.4, "Tô": 0.2,
    "Trịnh": 0.4, "Chu": 0.2, "Quách": 0.1, "Kiều": 0.1, "Thái": 0.2, "Lưu": 0.2,
}  # fmt: skip

MIDDLE_NAMES = {
    "male": {"Văn": 40, "Đức": 8, "Minh": 8, "Quang": 6, "Hữu": 6, "Công": 5, "Thành": 5,
             "Ngọc": 3, "Xuân": 3, "Trọng": 3, "Anh": 3, "Tuấn": 2, "Gia": 2, "Bảo": 2},
    "female": {"Thị": 50, "Ngọc": 8, "Thu": 6, "Thanh": 6, "Minh": 4, "Bảo": 3, "Kim": 4,
               "Phương": 3, "Hồng": 4, "Thùy": 3, "Mai": 2, "Khánh": 2, "Diệu": 2},
}  # fmt: skip

GIVEN_NAMES = {
    "male": ["Hùng", "Dũng", "Nam", "Tuấn", "Minh", "Hải", "Long", "Quân", "Khoa", "Phúc",
             "Sơn", "Thắng", "Trung", "Đức", "Hiếu", "Huy", "Tùng", "Bình", "Cường", "An",
             "Khánh", "Thành", "Việt", "Hưng", "Lâm", "Hoàng", "Phong", "Tài", "Toàn", "Vinh",
             "Thịnh", "Quý", "Duy", "Kiên", "Lộc", "Nghĩa", "Tiến", "Thuận", "Hòa", "Khải"],
    "female": ["Lan", "Hương", "Linh", "Hoa", "Mai", "Thảo", "Trang", "Hà", "Ngọc", "Thủy",
               "Thúy", "Yến", "Anh", "Nhung", "Hằng", "Hạnh", "Ly", "Nga", "Phương", "Chi",
               "Vy", "Hòa", "Quỳnh", "Tâm", "Huyền", "Loan", "Oanh", "Trinh", "Uyên", "Xuân",
               "Nhi", "Giang", "Hiền", "Dung", "Liên", "Thư", "Vân", "Diệp", "Khuê", "Tuyết"],
}  # fmt: skip

# Regional variants people and clerks write for one family name.
SURNAME_VARIANTS = {"Hoàng": "Huỳnh", "Huỳnh": "Hoàng", "Vũ": "Võ", "Võ": "Vũ"}

# The same syllable with the tone mark placed the other way (old vs new style).
TONE_VARIANTS = {"Thủy": "Thuỷ", "Thuỷ": "Thủy", "Thúy": "Thuý", "Thuý": "Thúy",
                 "Hòa": "Hoà", "Hoà": "Hòa", "Thùy": "Thuỳ", "Quý": "Qúy"}  # fmt: skip

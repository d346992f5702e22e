"""Vietnamese name parts with rough real-world frequencies, family name first.

Faker's vi_VN locale is not used: it puts the given name first and knows ten
family names. Family-name shares follow the commonly cited estimates (Nguyễn
about 38 %, Trần 12 %, Lê 9.5 % …); middle names are gendered (Văn, Thị);
given names per sex with measured shares (below).
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

# Given names per sex with their shares in hundredths of a percent of all people,
# after the frequencies counted on 115,000 Vietnamese full names in the public
# toanluu/vietname statistics (first_names.tsv): the commonest given name, Anh,
# is 3.4 % of people, Hùng 1.2 %, and 200 names cover 99 %. A folded form shared
# by both sexes (Anh, Thanh/Thành, Dung/Dũng, Tiên/Tiến) is split between them.
GIVEN_NAMES: dict[str, dict[str, int]] = {
    "male": {
        "Anh": 170, "Thành": 80, "Hùng": 90, "Hưng": 30, "Dũng": 80, "Minh": 117, "Huy": 113,
        "Tiến": 65, "An": 50, "Nguyên": 60, "Hiếu": 88, "Duy": 87, "Khánh": 40, "Tuấn": 85,
        "Nam": 81, "Đức": 81, "Tú": 40, "Sơn": 77, "Hoàng": 76, "Đạt": 74, "Long": 72,
        "Dương": 40, "Phúc": 70, "Cường": 70, "Hải": 69, "Tâm": 25, "Nhân": 40, "Thắng": 62,
        "Trung": 61, "Lâm": 35, "Quang": 61, "Bình": 50, "Phong": 58, "Hào": 58, "Quân": 57,
        "Vinh": 57, "Bảo": 55, "Toàn": 55, "Vũ": 52, "Trường": 52, "Thiện": 51, "Khoa": 48,
        "Nghĩa": 47, "Tùng": 46, "Sang": 46, "Tài": 45, "Thịnh": 45, "Thuận": 44, "Khang": 43,
        "Tân": 43, "Lộc": 40, "Phát": 38, "Phú": 36, "Hậu": 36, "Việt": 35, "Thái": 35,
        "Hiệp": 33, "Nhật": 33, "Trí": 33, "Kiên": 29, "Thông": 29, "Khôi": 27, "Quý": 27,
        "Phước": 27, "Đăng": 26, "Định": 25, "Thọ": 25, "Đông": 25, "Mạnh": 24, "Luân": 24,
        "Chính": 24, "Tịnh": 12, "Chiến": 23, "Vương": 23, "Lương": 22, "Công": 21,
        "Khải": 21, "Kiệt": 21, "Đại": 21, "Hoan": 12, "Lợi": 20, "Quốc": 19, "Tường": 19,
        "Trọng": 19, "Phi": 19, "Tín": 17, "Chung": 16, "Ninh": 10, "Danh": 15, "Đoàn": 10,
        "Huấn": 14, "Triều": 14, "Bằng": 14, "Điền": 13, "Kỳ": 13, "Chương": 13, "Bách": 13,
        "Thức": 13, "Khương": 13, "Khiêm": 10, "Quyết": 9, "Cảnh": 9, "Thạch": 8, "Hòa": 30,
    },
    "female": {
        "Anh": 173, "Linh": 200, "Phương": 170, "Thanh": 83, "Nhi": 124, "Trang": 123,
        "Dung": 39, "Thủy": 50, "Thúy": 40, "Thùy": 27, "Ngọc": 106, "Vy": 105, "Tiên": 40,
        "Thảo": 104, "Thu": 102, "An": 52, "Hà": 97, "Hương": 96, "Hoa": 60, "Ngân": 89,
        "Vân": 87, "Khánh": 47, "My": 85, "Hiền": 83, "Uyên": 79, "Tú": 38, "Quỳnh": 75,
        "Giang": 72, "Như": 69, "Trinh": 68, "Tâm": 40, "Huyền": 64, "Quyên": 61, "Yến": 61,
        "Lâm": 26, "Tuyền": 60, "Mai": 59, "Chi": 59, "Trâm": 59, "Hằng": 57, "Ly": 56,
        "Duyên": 52, "Nga": 51, "Hạnh": 50, "Châu": 49, "Hân": 47, "Trúc": 47, "Lan": 46,
        "Nhung": 44, "Thương": 42, "Hồng": 41, "Loan": 38, "Oanh": 35, "Huệ": 32, "Xuân": 28,
        "Đào": 26, "Liên": 26, "Thi": 25, "Diệp": 23, "Nghi": 23, "Thy": 23, "Nguyệt": 23,
        "Tuyết": 22, "Diễm": 20, "Hoài": 18, "Kim": 19, "Trà": 16, "Kiều": 15, "Diệu": 14,
        "Thắm": 14, "Nhàn": 23, "Bích": 11, "Sương": 10, "Cúc": 10, "Thoa": 10, "Xuyến": 9,
        "Luyến": 8, "Cẩm": 8, "Ái": 8, "Khuê": 7, "Hòa": 30, "Dương": 32, "Ngà": 10,
        "Lệ": 15, "Thơ": 12, "Hảo": 12, "Thư": 30, "Hậu": 10, "Phượng": 15, "Hiên": 8,
    },
}  # fmt: skip

# Regional variants people and clerks write for one family name.
SURNAME_VARIANTS = {"Hoàng": "Huỳnh", "Huỳnh": "Hoàng", "Vũ": "Võ", "Võ": "Vũ"}

# The same syllable with the tone mark placed the other way (old vs new style).
TONE_VARIANTS = {"Thủy": "Thuỷ", "Thuỷ": "Thủy", "Thúy": "Thuý", "Thuý": "Thúy",
                 "Hòa": "Hoà", "Hoà": "Hòa", "Thùy": "Thuỳ", "Quý": "Qúy"}  # fmt: skip

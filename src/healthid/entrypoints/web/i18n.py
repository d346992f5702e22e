"""The portal's words: Vietnamese is the source language, English the translation.

Templates write Vietnamese and wrap it in ``_()``; English readers get the entry
below. A test checks that every wrapped text and every label here has one.
"""

from __future__ import annotations

LANGUAGES = ("vi", "en")

# Names of the values the pages show, in Vietnamese (translated like any other text).
ROLE_NAMES = {
    "admin": "Quản trị hệ thống",
    "authority": "Cơ quan có thẩm quyền",
    "facility_admin": "Quản trị cơ sở",
    "staff": "Nhân viên cơ sở",
    "auditor": "Thanh tra",
}
SEX_NAMES = {"male": "Nam", "female": "Nữ", "other": "Khác"}
STATUS_NAMES = {"active": "Đang dùng", "revoked": "Đã thu hồi", "replaced": "Đã thay thế"}
VERIFY_NAMES = {
    "valid": "Mã hợp lệ",
    "invalid": "Mã không hợp lệ",
    "revoked": "Mã đã bị thu hồi",
    "replaced": "Mã đã được thay thế",
}
VERIFY_HELP = {
    "valid": "Mã đúng và đang được sử dụng.",
    "invalid": "Mã sai hoặc không do hệ thống cấp. Kiểm tra lại từng ký tự.",
    "revoked": "Mã không còn dùng được. Hãy tra cứu người bệnh theo mã số BHXH hoặc CCCD.",
    "replaced": "Hồ sơ đã được gộp; mã này trỏ về mã mới. Hãy tra cứu để lấy mã hiện hành.",
}
REVIEW_STATUS_NAMES = {
    "pending": "Chờ xem xét",
    "merged": "Đã gộp",
    "not_duplicate": "Không trùng",
}
COMPARISON_NAMES = {
    "family": "Họ",
    "middle": "Tên đệm",
    "given": "Tên",
    "birth_date": "Ngày sinh",
    "cccd": "Số CCCD",
    "birth_province": "Tỉnh nơi sinh",
    "ward": "Phường/xã",
    "bhyt": "Thẻ BHYT",
    "phone": "Số điện thoại",
}
LEVEL_NAMES = {
    "exact": "trùng khớp",
    "equal": "trùng khớp",
    "folded": "giống khi bỏ dấu",
    "similar": "gần giống",
    "variant": "biến thể (Hoàng/Huỳnh, Vũ/Võ)",
    "swap": "đảo ngày và tháng",
    "compatible": "không mâu thuẫn",
    "year": "cùng năm",
    "year_close": "năm gần nhau",
    "missing": "thiếu thông tin",
    "else": "khác",
}
KEY_NAMES = {
    "issuing": "Khoá cấp mã",
    "data": "Khoá mã hoá dữ liệu",
    "index": "Khoá chỉ mục ẩn",
    "signing": "Khoá ký token",
}
COUNT_NAMES = [
    ("new", "Mới"),
    ("updated", "Cập nhật"),
    ("unchanged", "Không đổi"),
    ("linked", "Liên kết"),
    ("queued", "Chờ xem xét"),
    ("rejected", "Bị loại"),
]
RUN_STATUS_NAMES = {
    "running": "Đang chạy",
    "finished": "Hoàn tất",
    "refused": "Bị từ chối",
    "interrupted": "Bị gián đoạn",
}
ACTION_NAMES = {
    "auth.login": "Đăng nhập",
    "auth.token": "Cấp token",
    "auth.revoke": "Thu hồi token",
    "auth.logout": "Đăng xuất",
    "person.register": "Đăng ký người bệnh",
    "person.lookup": "Tra cứu người bệnh",
    "person.match": "Tìm người bệnh theo thông tin",
    "person.read": "Xem hồ sơ người bệnh",
    "person.break_glass": "Truy cập khẩn cấp",
    "person.correct": "Sửa thông tin người bệnh",
    "person.export": "Xuất danh sách",
    "sync.apply": "Đồng bộ BHXH",
    "health_id.verify": "Xác thực mã",
    "person.facility_link": "Ghi mã bệnh nhân",
    "facility.patients": "Xem danh sách bệnh nhân",
    "issuance.request": "Gửi yêu cầu cấp mã",
    "issuance.decide": "Quyết định cấp mã",
    "review.read": "Xem hồ sơ nghi trùng",
    "review.not_duplicate": "Xác nhận không trùng",
    "person.merge": "Gộp hồ sơ",
    "person.unmerge": "Tách hồ sơ",
    "admin": "Quản trị",
    "audit.read": "Đọc nhật ký",
    "sync.read": "Xem các lần đồng bộ",
    "quota.exceeded": "Vượt hạn mức tra cứu",
}
OUTCOME_NAMES = {
    "success": "Thành công",
    "denied": "Bị chặn",
    "not_found": "Không tìm thấy",
    "failed": "Thất bại",
}

EN: dict[str, str] = {
    # layout and navigation
    "Bỏ qua, đến nội dung": "Skip to content",
    "Mã định danh y tế": "Health ID",
    "Chức năng": "Functions",
    "Tra cứu": "Look up",
    "Đăng ký bệnh nhân": "Register a patient",
    "Bệnh nhân của cơ sở": "Our patients",
    "Xác thực mã": "Verify an ID",
    "Yêu cầu cấp mã": "Issuance requests",
    "Hồ sơ nghi trùng": "Possible duplicates",
    "Quản trị": "Administration",
    "Khoá mã hoá": "Keys",
    "Vô hiệu hoá": "Disable",
    "Khoá bí mật": "Secret key",
    "Đồng bộ BHXH": "BHXH sync",
    "Nhật ký truy cập": "Audit log",
    "Biểu đồ tra cứu": "Lookup chart",
    "Đăng xuất": "Sign out",
    "Hệ thống mã định danh y tế — Quyết định 4376/QĐ-BYT. Mọi lượt truy cập đều được ghi nhật ký.": (
        "National health ID system — Decision 4376/QĐ-BYT. Every access is recorded."
    ),
    # errors
    "Lỗi": "Error",
    "Không có quyền truy cập": "Not allowed",
    "Vai trò của bạn không được xem trang này. Nếu cần, hãy liên hệ quản trị hệ thống.": (
        "Your role may not see this page. Ask the system administrators if you need it."
    ),
    "Biểu mẫu không hợp lệ": "Form not accepted",
    "Biểu mẫu đã hết hạn hoặc không được gửi từ trang này. Hãy tải lại trang và thử lại.": (
        "The form has expired or was not sent from this site. Reload the page and try again."
    ),
    "Không tìm thấy": "Not found",
    "Mục bạn tìm không có hoặc đã thay đổi.": "What you asked for does not exist or has changed.",
    "Bộ lọc không hợp lệ": "Invalid filter",
    "Ngày phải có dạng YYYY-MM-DD": "Dates are written YYYY-MM-DD",
    "Không thực hiện được": "Could not be done",
    "Về trang chính": "Back to the start page",
    # sign-in
    "Đăng nhập": "Sign in",
    "Tên đăng nhập hoặc mật khẩu không đúng.": "Wrong user name or password.",
    "Tài khoản tạm khoá do đăng nhập sai nhiều lần. Thử lại sau {n} phút.": (
        "The account is locked after repeated failures. Try again in {n} minutes."
    ),
    "Biểu mẫu đã hết hạn. Hãy nhập lại.": "The form expired. Please enter it again.",
    "Tên đăng nhập": "User name",
    "Mật khẩu": "Password",
    "Hãy nhập tên đăng nhập": "Enter your user name",
    "Hãy nhập mật khẩu": "Enter your password",
    "Sai mật khẩu 5 lần trong 15 phút sẽ tạm khoá tài khoản 15 phút.": (
        "5 wrong passwords within 15 minutes lock the account for 15 minutes."
    ),
    "Xác thực hai lớp": "Two-step verification",
    "Vai trò của bạn cần mã xác thực một lần. Quét mã QR bằng ứng dụng xác thực (Google Authenticator, Microsoft Authenticator…) hoặc nhập khoá bên dưới, rồi nhập mã 6 chữ số.": (
        "Your role needs a one-time code. Scan the QR code with an authenticator app "
        "(Google Authenticator, Microsoft Authenticator…) or type the key below, then "
        "enter the 6-digit code."
    ),
    "Mã QR để thêm tài khoản vào ứng dụng xác thực": "QR code to add the account to an authenticator app",
    "Nhập mã 6 chữ số trong ứng dụng xác thực của bạn.": "Enter the 6-digit code from your authenticator app.",
    "Mã xác thực": "Code",
    "Xác nhận": "Confirm",
    "Mã không đúng hoặc đã dùng; hãy nhập mã mới": "Wrong or already used code; enter a new one",
    # start page
    "Trang chính": "Start",
    "Xin chào": "Hello",
    "Tra cứu bệnh nhân": "Look up a patient",
    "Theo mã số BHXH, CCCD, thẻ BHYT hoặc mã bệnh nhân của cơ sở": (
        "By social insurance number, CCCD, health insurance card or our patient number"
    ),
    "Cấp hoặc liên kết mã định danh y tế": "Establish or link a Health ID",
    "Danh sách, tìm kiếm": "List and search",
    "Xác thực mã định danh": "Verify a Health ID",
    "Nhập hoặc quét mã QR": "Type it or scan the QR code",
    "Phê duyệt hoặc từ chối": "Approve or reject",
    "So sánh, gộp hoặc tách": "Compare, merge or unmerge",
    "Cơ sở, người dùng, ứng dụng kết nối": "Facilities, users, connected systems",
    "Các lần đồng bộ và dòng bị loại": "Sync runs and rejected rows",
    "Lọc, xuất CSV": "Filter, export CSV",
    "Lượt tra cứu theo cơ sở, theo ngày": "Lookups per facility per day",
    # patients
    "Loại mã": "Kind of number",
    "Mã số BHXH": "Social insurance number",
    "Số CCCD": "CCCD number",
    "Mã thẻ BHYT": "Health insurance card",
    "Mã bệnh nhân của cơ sở": "Our patient number (MRN)",
    "Mã cần tra cứu": "Number to look up",
    "Mục đích": "Purpose",
    "Ví dụ: tiếp đón khám bệnh. Được ghi vào nhật ký.": "E.g. admission. It is recorded in the audit log.",
    "Bạn đã tra cứu quá số lượt cho phép. Thử lại sau {n} phút.": (
        "You have used up your lookups for now. Try again in {n} minutes."
    ),
    "Kết quả": "Result",
    "Hãy chọn loại mã": "Choose the kind of number",
    "Hãy nhập mã cần tra cứu": "Enter the number to look up",
    "Không tìm thấy người có mã này": "No one has this number",
    "Không có người nào khớp với mã và thông tin đã nhập": (
        "No one matches this number and these details"
    ),
    "Hỏi người bệnh họ tên, ngày sinh và giới tính: hệ thống chỉ trả lời khi các thông tin "
    "này khớp với hồ sơ.": (
        "Ask the patient their name, date of birth and sex: the registry answers only when "
        "they match its record."
    ),
    "Hãy nhập họ và tên người bệnh": "Enter the patient's full name",
    "Truy cập khẩn cấp": "Emergency access",
    "TRUY CẬP KHẨN CẤP đang có hiệu lực: mỗi hồ sơ dưới đây được mở cho riêng bạn đến {t} "
    "(giờ Việt Nam), được ghi nhật ký và sẽ được thanh tra xem xét.": (
        "EMERGENCY ACCESS in force: each record below is open to you alone until {t} "
        "(Vietnam time), recorded in the log, and will be reviewed by an inspector."
    ),
    "Người có thể là bệnh nhân": "Persons who may be the patient",
    "Không tìm thấy ai": "No one found",
    "Chỉ dùng khi người bệnh cấp cứu không thể tự khai (bất tỉnh, không giấy tờ). Mỗi người "
    "tìm thấy là một lượt truy cập khẩn cấp của riêng bạn, hiệu lực vài giờ, được ghi nhật ký "
    "và được thanh tra xem xét.": (
        "Only when an emergency patient cannot say who they are (unconscious, no papers). "
        "Each person found is an emergency access of yours alone, for a few hours, "
        "recorded in the log and reviewed by an inspector."
    ),
    "Lý do cấp cứu": "Why the emergency needs this",
    "Năm sinh": "Year of birth",
    "Tỉnh, thành nơi sinh": "Province of birth",
    "Ví dụ: 1958": "For example: 1958",
    "Hãy nhập ngày sinh (hoặc năm sinh)": "Enter the date of birth (or the year)",
    "Hãy chọn giới tính": "Choose the sex",
    "Hãy chọn mục đích": "Choose the purpose",
    "1990-05-01, hoặc chỉ năm sinh: 1990": "1990-05-01, or the year alone: 1990",
    "Khám, chữa bệnh": "Treatment",
    "Cấp cứu": "Emergency treatment",
    "Thanh toán BHYT": "Health insurance payment",
    "Y tế công cộng": "Public health",
    "Theo yêu cầu của người bệnh": "At the patient's request",
    "Vận hành cơ sở": "Facility operations",
    "Chưa có": "None yet",
    "Họ và tên": "Full name",
    "Ngày sinh": "Date of birth",
    "Giới tính": "Sex",
    "Ghi mã bệnh nhân": "Record the patient number",
    "Đã ghi mã bệnh nhân.": "Patient number recorded.",
    "Xác thực mã định danh y tế": "Verify a Health ID",
    "Nhập mã, hoặc quét mã QR bằng đầu đọc (đầu đọc gõ mã vào ô này).": (
        "Type the ID, or scan its QR code with a scanner (the scanner types into this box)."
    ),
    "Quét bằng camera": "Scan with the camera",
    "Xác thực": "Verify",
    "Hãy nhập hoặc quét mã định danh y tế": "Type or scan a Health ID",
    "Đã đăng ký người mới": "New person registered",
    "Đã có trong hệ thống": "Already in the registry",
    "Người này đã có mã định danh y tế; thông tin được liên kết với người đã có, không tạo mã mới.": (
        "This person already has a Health ID: the record was linked to them and no new ID was made."
    ),
    "Đăng ký người khác": "Register someone else",
    "Cần ít nhất mã số BHXH hoặc số CCCD.": "A social insurance number or a CCCD is needed.",
    "10 chữ số": "10 digits",
    "12 chữ số": "12 digits",
    "15 ký tự, ví dụ DN4010123456789": "15 characters, e.g. DN4010123456789",
    "dd/mm/yyyy, mm/yyyy hoặc yyyy": "dd/mm/yyyy, mm/yyyy or yyyy",
    "— Chọn —": "— Choose —",
    "Nơi sinh (tỉnh/thành)": "Place of birth (province)",
    "Địa chỉ": "Address",
    "Số điện thoại": "Phone",
    "Đăng ký": "Register",
    "Tìm theo tên hoặc mã bệnh nhân": "Search by name or patient number",
    "Tìm": "Search",
    "Mã bệnh nhân": "Patient number",
    "Không có bệnh nhân nào.": "No patients.",
    "Trang": "Page",
    "Trang trước": "Previous",
    "Trang sau": "Next",
    # authority
    "Yêu cầu cấp mã định danh": "Health ID issuance requests",
    "Trạng thái": "Status",
    "Chờ duyệt": "Pending",
    "Đã duyệt": "Approved",
    "Đã từ chối": "Rejected",
    "Ngày gửi": "Sent",
    "Cơ sở": "Facility",
    "Người gửi": "Sent by",
    "Quyết định": "Decision",
    "Phê duyệt": "Approve",
    "Lý do từ chối": "Reason for rejecting",
    "Từ chối": "Reject",
    "Không có yêu cầu nào.": "No requests.",
    "Mỗi cặp là hai hồ sơ mà hệ thống không đủ chắc để tự gộp. Hãy so sánh rồi quyết định.": (
        "Each pair is two records the system was not sure enough to merge. Compare and decide."
    ),
    "Xác suất trùng": "Probability of a duplicate",
    "Ngày phát hiện": "Found",
    "So sánh": "Compare",
    "Không có cặp nào.": "No pairs.",
    "Gộp tự động": "Automatic merges",
    "Thẻ BHYT": "BHYT card",
    (
        "Các lần hệ thống tự gộp hai hồ sơ khi rà trùng toàn bộ, không có người duyệt. Hãy kiểm"
        " tra ngẫu nhiên: nếu gộp nhầm, tách lại sẽ khôi phục đúng hai hồ sơ như trước."
    ): (
        "The merges the registry made on its own during whole-registry deduplication, with no"
        " person deciding. Sample them: if a merge was wrong, unmerging restores both records"
        " exactly as they were."
    ),
    "Ngày gộp": "Merged on",
    "Bằng chứng chính": "Strongest evidence",
    "Đã tách": "Unmerged",
    "Đang gộp": "Merged",
    "Chưa có lần gộp tự động nào.": "No automatic merges yet.",
    "So sánh hồ sơ": "Compare records",
    "Xác suất là cùng một người": "Probability they are the same person",
    "Hồ sơ A": "Record A",
    "Hồ sơ B": "Record B",
    "khác": "differs",
    "Nơi sinh": "Place of birth",
    "Vì sao hệ thống nghi trùng": "Why the system suspects a duplicate",
    "Mỗi thanh là trọng số của một phép so sánh: sang phải (xanh) ủng hộ cùng một người, sang trái (đỏ) ủng hộ hai người khác nhau.": (
        "Each bar is the weight of one comparison: to the right (green) it speaks for the "
        "same person, to the left (red) for two different people."
    ),
    "Trọng số so sánh": "Comparison weights",
    "Gộp: giữ lại hồ sơ": "Merge: keep record",
    "Mã của hồ sơ kia vẫn hợp lệ ở trạng thái 'đã thay thế' và trỏ về hồ sơ được giữ.": (
        "The other record's ID stays valid as 'replaced' and leads to the kept record."
    ),
    "Gộp hai hồ sơ": "Merge the two records",
    "Hai người khác nhau: hệ thống sẽ ghi nhớ và không đề xuất lại cặp này.": (
        "Two different people: the system remembers and will not propose this pair again."
    ),
    "Không trùng": "Not a duplicate",
    "Đã gộp. Nếu gộp nhầm, tách lại sẽ khôi phục đúng hai hồ sơ như trước.": (
        "Merged. If it was a mistake, unmerging restores both records exactly."
    ),
    "Tách hồ sơ": "Unmerge",
    "Về danh sách": "Back to the list",
    # admin
    "Đã tạo người dùng": "User created:",
    "Mật khẩu ban đầu (chỉ hiện một lần, hãy trao trực tiếp cho người dùng)": (
        "First password (shown once; hand it to the user in person)"
    ),
    "Đã tạo ứng dụng kết nối": "Connected system created",
    "chỉ hiện một lần, hệ thống không lưu": "shown once, never stored",
    "Cơ sở y tế": "Health facilities",
    "Mã": "Code",
    "Tên": "Name",
    "Tỉnh": "Province",
    "Mã cơ sở (5 chữ số)": "Facility code (5 digits)",
    "Tên cơ sở": "Facility name",
    "Mã tỉnh (2025)": "Province code (2025)",
    "Thêm cơ sở": "Add facility",
    "Người dùng": "Users",
    "Vai trò": "Role",
    "Đã khoá": "Disabled",
    "Đang hoạt động": "Active",
    "Mã cơ sở (với nhân viên cơ sở)": "Facility code (for facility staff)",
    "Thêm người dùng": "Add user",
    "Ứng dụng kết nối (API)": "Connected systems (API)",
    "Mã cơ sở": "Facility code",
    "Tạo ứng dụng kết nối": "Create a connected system",
    "Không có cơ sở với mã này": "No facility has this code",
    "Phiên bản khoá": "Key versions",
    "Khoá nằm ngoài cơ sở dữ liệu, trong tệp khoá. Xoay khoá bằng lệnh healthid keys rotate trên máy chủ; mã đã cấp vẫn xác thực được bằng khoá cũ.": (
        "Keys live outside the database, in the key-ring file. Rotate them with "
        "`healthid keys rotate` on the server; issued IDs still verify with older keys."
    ),
    "Loại khoá": "Kind of key",
    "Phiên bản hiện tại": "Current version",
    "Các lần đồng bộ BHXH": "BHXH sync runs",
    "Bắt đầu (giờ Việt Nam)": "Started (Vietnam time)",
    "Tệp": "File",
    "Dòng bị loại": "Rejected rows",
    "Tải CSV": "Download CSV",
    "Chưa có lần đồng bộ nào.": "No sync runs yet.",
    # auditor
    "Người dùng / ứng dụng": "User / system",
    "Mã hồ sơ người bệnh": "Person record id",
    "Thao tác": "Action",
    "— Tất cả —": "— All —",
    "Từ ngày": "From",
    "Đến ngày": "To",
    "Lọc": "Filter",
    "Xuất CSV": "Export CSV",
    "Thời điểm (giờ Việt Nam)": "Time (Vietnam)",
    "Mã hồ sơ": "Record",
    "Nguồn": "Source",
    "Không có sự kiện nào khớp bộ lọc.": "No events match the filter.",
    "Hãy chọn một thao tác trong danh sách": "Choose an action from the list",
    "Số lần tra cứu bệnh nhân trong {n} ngày gần nhất (giờ Việt Nam). Tra cứu bất thường là dấu hiệu dữ liệu có thể bị lạm dụng.": (
        "Patient lookups over the last {n} days (Vietnam time). Unusual lookups can be a "
        "sign that data is being misused."
    ),
    "Bảng số liệu": "Figures",
    "Ngày": "Day",
    "Tổng": "Total",
    # value names
    "Quản trị hệ thống": "System administrator",
    "Cơ quan có thẩm quyền": "Authority",
    "Quản trị cơ sở": "Facility administrator",
    "Nhân viên cơ sở": "Facility staff",
    "Thanh tra": "Auditor",
    "Nam": "Male",
    "Nữ": "Female",
    "Khác": "Other",
    "Đang dùng": "Active",
    "Đã thu hồi": "Revoked",
    "Đã thay thế": "Replaced",
    "Mã hợp lệ": "Valid ID",
    "Mã không hợp lệ": "Invalid ID",
    "Mã đã bị thu hồi": "Revoked ID",
    "Mã đã được thay thế": "Replaced ID",
    "Mã đúng và đang được sử dụng.": "The ID is genuine and in use.",
    "Mã sai hoặc không do hệ thống cấp. Kiểm tra lại từng ký tự.": (
        "The ID is wrong or was not issued by the registry. Check each character."
    ),
    "Mã không còn dùng được. Hãy tra cứu người bệnh theo mã số BHXH hoặc CCCD.": (
        "The ID can no longer be used. Look the patient up by social insurance number or CCCD."
    ),
    "Hồ sơ đã được gộp; mã này trỏ về mã mới. Hãy tra cứu để lấy mã hiện hành.": (
        "The records were merged; this ID leads to the new one. Look the patient up for it."
    ),
    "Chờ xem xét": "Pending",
    "Đã gộp": "Merged",
    "Họ": "Family name",
    "Tên đệm": "Middle name",
    "Tỉnh nơi sinh": "Province of birth",
    "Phường/xã": "Ward",
    "trùng khớp": "the same",
    "giống khi bỏ dấu": "the same without diacritics",
    "gần giống": "similar",
    "biến thể (Hoàng/Huỳnh, Vũ/Võ)": "a variant (Hoàng/Huỳnh, Vũ/Võ)",
    "đảo ngày và tháng": "day and month swapped",
    "không mâu thuẫn": "compatible",
    "cùng năm": "same year",
    "năm gần nhau": "close years",
    "thiếu thông tin": "missing",
    "Khoá cấp mã": "Issuing key",
    "Khoá mã hoá dữ liệu": "Data encryption key",
    "Khoá chỉ mục ẩn": "Blind index key",
    "Khoá ký token": "Token signing key",
    "Mới": "New",
    "Cập nhật": "Updated",
    "Không đổi": "Unchanged",
    "Liên kết": "Linked",
    "Bị loại": "Rejected",
    "Đang chạy": "Running",
    "Hoàn tất": "Finished",
    "Bị gián đoạn": "Interrupted",
    "Bị từ chối": "Refused",
    "Cấp token": "Token issued",
    "Thu hồi token": "Token revoked",
    "Đăng ký người bệnh": "Patient registered",
    "Tra cứu người bệnh": "Patient lookup",
    "Tìm người bệnh theo thông tin": "Patient match",
    "Xem hồ sơ người bệnh": "Patient record read",
    "Sửa thông tin người bệnh": "Patient data corrected",
    "Xuất danh sách": "Export",
    "Xem danh sách bệnh nhân": "Patient list viewed",
    "Gửi yêu cầu cấp mã": "Issuance requested",
    "Quyết định cấp mã": "Issuance decided",
    "Xem hồ sơ nghi trùng": "Duplicate pair viewed",
    "Xác nhận không trùng": "Marked not a duplicate",
    "Gộp hồ sơ": "Records merged",
    "Đọc nhật ký": "Audit log read",
    "Xem các lần đồng bộ": "Sync runs read",
    "Vượt hạn mức tra cứu": "Lookup quota exceeded",
    "Thành công": "Success",
    "Bị chặn": "Denied",
    "Thất bại": "Failed",
}


def translate(text: str, lang: str) -> str:
    """``text`` (Vietnamese) in ``lang``; text without an entry is shown as it is."""
    if lang == "en":
        return EN.get(text, text)
    return text

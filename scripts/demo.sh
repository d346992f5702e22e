#!/usr/bin/env bash
# The demo's main job: issue a few Health IDs, verify them, and show the masking.
set -euo pipefail
healthid=${1:-healthid}

issue() { "$healthid" issue "$@" 2>/dev/null | tail -n 1; }

echo "== Cấp mã định danh y tế / issuing Health IDs"
a=$(issue --si 0123456789 --name "Nguyễn Văn An" --birth-date 1990-05-01 --sex male \
      --birthplace "Hà Nội" --cccd 001090012345 --bhyt DN4010123456789)
b=$(issue --si 7912345678 --name "Trần Thị Thuỷ" --birth-date 19650000 --sex 2 \
      --birthplace "Long An")
c=$(issue --si 3112345670 --name "Lê Hoàng Nam" --birth-date 200311 --sex male \
      --birthplace "Hải Phòng" --cccd 031203000123)
printf '  %s\n' "$a" "$b" "$c"

echo "== Cấp lại cùng mã số BHXH trả về cùng một mã / the same SI number again, the same ID"
again=$(issue --si 0123456789 --name "Nguyễn Văn An" --birth-date 1990-05-01 --sex male --birthplace "Hà Nội")
echo "  $again"
[ "$again" = "$a" ]

echo "== Xác thực / verifying"
for id in "$a" "$b" "$c"; do printf '  %s  ' "$id"; "$healthid" verify "$id"; done
tampered="${a%?}$( [ "${a: -1}" = "0" ] && echo 1 || echo 0 )"
printf '  %s  ' "$tampered"; "$healthid" verify "$tampered" || true

echo "== Tra cứu (mã được che) / lookup, the ID masked"
"$healthid" show 0123456789

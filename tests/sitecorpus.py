"""Vietnamese text the fixture-site generator draws from (see tests/sitegen.py).

Headlines and leads are written per section; body sentences, captions and tags
are combined by a seeded random generator, so the site is the same on every run.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SectionText:
    slug: str
    name: str
    sub_slug: str
    sub_name: str
    stories: tuple[tuple[str, str], ...]
    """(headline, lead) pairs; the lead follows "(Baonghean.vn) - <time phrase>, "."""
    sentences: tuple[str, ...]
    captions: tuple[str, ...]
    tags: tuple[str, ...]


PLACES = (
    "huyện Nghi Lộc", "thị xã Cửa Lò", "huyện Quỳnh Lưu", "thành phố Vinh", "huyện Con Cuông",
    "huyện Kỳ Sơn", "thị xã Hoàng Mai", "huyện Diễn Châu", "huyện Thanh Chương",
    "huyện Đô Lương", "huyện Tương Dương", "huyện Yên Thành",
)

TIME_PHRASES = ((10, "Sáng {d}"), (12, "Trưa {d}"), (17, "Chiều {d}"), (23, "Tối {d}"))
"""(last hour, phrase): how a lead names the part of the day."""

BYLINES = (
    "Thanh Lê", "Thành Chung - Hoài Thu", "Nhóm PV", "Phương Thúy", "Minh Chi",
    "Đào Tuấn", "Vũ Ngọc Thiện/ VnExpress", "Hồ Phương - Quang An - Thu Huyền", "Hoàng Vĩnh",
)

GENERIC_SENTENCES = (
    "Đồng chí đề nghị các địa phương tiếp tục rà soát, đánh giá kết quả thực hiện và có giải "
    "pháp khắc phục những tồn tại, hạn chế.",
    "Theo báo cáo, trong năm qua đơn vị đã hoàn thành vượt mức nhiều chỉ tiêu quan trọng.",
    "Nhiều ý kiến tại hội nghị cho rằng cần tăng cường công tác phối hợp giữa các sở, ngành.",
    "Người dân trên địa bàn phấn khởi, đồng tình ủng hộ chủ trương của tỉnh.",
    "Kết thúc buổi làm việc, đoàn đã trao tặng 50 suất quà cho các hộ có hoàn cảnh khó khăn.",
)

SECTIONS = (
    SectionText(
        slug="thoi-su", name="Thời sự", sub_slug="chinh-tri", sub_name="Chính trị",
        stories=(
            ("Ban Tuyên giáo Tỉnh ủy và Trường Chính trị tỉnh ký quy chế phối hợp",
             "Ban Tuyên giáo Tỉnh ủy và Trường Chính trị tỉnh tổ chức hội nghị đánh giá công "
             "tác phối hợp và ký kết quy chế phối hợp giai đoạn mới"),
            ("Đoàn công tác của Tỉnh ủy làm việc tại {place}",
             "đoàn công tác của Ban Thường vụ Tỉnh ủy đã làm việc với Ban Thường vụ {place} về "
             "tình hình thực hiện nghị quyết đại hội"),
            ("Nghệ An tổng kết công tác xây dựng Đảng năm 2024",
             "Tỉnh ủy Nghệ An tổ chức hội nghị tổng kết công tác xây dựng Đảng và triển khai "
             "nhiệm vụ năm 2025"),
            ("HĐND {place} tổ chức kỳ họp chuyên đề",
             "HĐND {place} khóa mới tổ chức kỳ họp chuyên đề để xem xét, quyết định một số nội "
             "dung quan trọng"),
            ("Lãnh đạo tỉnh tiếp xúc cử tri {place}",
             "đoàn đại biểu Quốc hội tỉnh đã tiếp xúc cử tri {place} trước kỳ họp"),
            ("Khai mạc Đại hội đại biểu Đảng bộ {place}",
             "Đại hội đại biểu Đảng bộ {place} lần thứ XXIII, nhiệm kỳ 2025 - 2030 đã khai mạc "
             "trọng thể"),
            ("Sắp xếp đơn vị hành chính cấp xã ở {place}",
             "{place} đã hoàn thành việc lấy ý kiến cử tri về đề án sắp xếp đơn vị hành chính "
             "cấp xã"),
            ("Ủy ban Kiểm tra Tỉnh ủy triển khai nhiệm vụ năm 2025",
             "Ủy ban Kiểm tra Tỉnh ủy tổ chức hội nghị triển khai nhiệm vụ công tác kiểm tra, "
             "giám sát năm 2025"),
            ("Trao huy hiệu Đảng cho đảng viên lão thành ở {place}",
             "Ban Thường vụ {place} tổ chức lễ trao huy hiệu 55, 60, 65 năm tuổi Đảng cho các "
             "đảng viên lão thành"),
        ),
        sentences=(
            "Dự hội nghị có đại diện lãnh đạo các ban xây dựng Đảng của Tỉnh ủy.",
            "Phát biểu chỉ đạo, đồng chí Bí thư Tỉnh ủy ghi nhận những kết quả đạt được.",
            "Công tác tuyên truyền, giáo dục lý luận chính trị được triển khai kịp thời.",
            "Các tổ chức cơ sở đảng đã chủ động rà soát, bổ sung quy chế làm việc.",
            "Việc học tập, quán triệt nghị quyết được tổ chức nghiêm túc, đúng kế hoạch.",
            "Hội nghị đã thảo luận, cho ý kiến vào dự thảo báo cáo chính trị.",
            "Năm qua, toàn Đảng bộ đã kết nạp hơn 3.000 đảng viên mới.",
            "Đồng chí yêu cầu cấp ủy các cấp nâng cao năng lực lãnh đạo, sức chiến đấu.",
        ),
        captions=(
            "Quang cảnh hội nghị", "Các đại biểu biểu quyết thông qua nghị quyết",
            "Đồng chí Bí thư Tỉnh ủy phát biểu chỉ đạo", "Lễ ký kết quy chế phối hợp",
            "Cử tri phát biểu ý kiến tại buổi tiếp xúc",
        ),
        tags=("Tỉnh ủy Nghệ An", "xây dựng Đảng", "đại hội Đảng", "HĐND tỉnh", "cử tri"),
    ),
    SectionText(
        slug="kinh-te", name="Kinh tế", sub_slug="nong-nghiep", sub_name="Nông nghiệp",
        stories=(
            ("Nông dân {place} thu hoạch lúa xuân được mùa",
             "nông dân {place} đang tập trung thu hoạch lúa xuân với năng suất ước đạt 65 "
             "tạ/ha"),
            ("Xuất khẩu của Nghệ An tăng mạnh trong quý I",
             "kim ngạch xuất khẩu của tỉnh Nghệ An trong quý I ước đạt 750 triệu USD, tăng "
             "18% so với cùng kỳ"),
            ("Doanh nghiệp ở {place} tăng tốc sản xuất đầu năm",
             "nhiều doanh nghiệp trên địa bàn {place} đã bước vào sản xuất ngay sau Tết"),
            ("Giá cam Vinh tăng cao dịp cuối năm",
             "giá cam Vinh tại các vườn ở {place} tăng từ 5.000 - 10.000 đồng/kg so với đầu vụ"),
            ("Khởi công nhà máy chế biến gỗ tại {place}",
             "công ty cổ phần chế biến lâm sản đã khởi công nhà máy chế biến gỗ tại {place} "
             "với tổng vốn đầu tư 500 tỷ đồng"),
            ("Nghệ An thu hút hơn 1 tỷ USD vốn FDI",
             "tỉnh Nghệ An đã cấp mới và điều chỉnh tăng vốn cho 12 dự án đầu tư trực tiếp "
             "nước ngoài"),
            ("Mô hình nuôi tôm công nghệ cao ở {place} cho lãi lớn",
             "mô hình nuôi tôm trong nhà màng ở {place} cho lợi nhuận hơn 1 tỷ đồng mỗi vụ"),
            ("Ngành điện Nghệ An bảo đảm cung ứng điện mùa nắng nóng",
             "Công ty Điện lực Nghệ An triển khai nhiều giải pháp bảo đảm cung ứng điện trong "
             "mùa nắng nóng"),
            ("Thu ngân sách của {place} vượt dự toán",
             "tổng thu ngân sách trên địa bàn {place} đạt 112% dự toán năm"),
        ),
        sentences=(
            "Theo ngành nông nghiệp, diện tích gieo trồng năm nay đạt hơn 90.000 ha.",
            "Giá thu mua tại ruộng dao động từ 7.000 - 7.500 đồng/kg.",
            "Nhiều hợp tác xã đã liên kết với doanh nghiệp để bao tiêu sản phẩm.",
            "Tỉnh đang hoàn thiện hạ tầng các khu công nghiệp để đón nhà đầu tư.",
            "Sản lượng công nghiệp tăng 12% so với cùng kỳ năm trước.",
            "Người trồng cam phấn khởi vì được mùa, được giá.",
            "Đơn vị đã giải quyết việc làm cho hơn 2.000 lao động địa phương.",
            "Các ngân hàng trên địa bàn triển khai gói tín dụng ưu đãi cho doanh nghiệp.",
        ),
        captions=(
            "Nông dân thu hoạch lúa xuân", "Công nhân làm việc tại nhà máy",
            "Cam Vinh được bày bán tại chợ", "Lễ khởi công dự án", "Ao nuôi tôm công nghệ cao",
        ),
        tags=("kinh tế Nghệ An", "nông nghiệp", "xuất khẩu", "đầu tư", "cam Vinh"),
    ),
    SectionText(
        slug="xa-hoi", name="Xã hội", sub_slug="giao-thong", sub_name="Giao thông",
        stories=(
            ("Trao nhà tình nghĩa cho gia đình chính sách ở {place}",
             "Ủy ban MTTQ {place} tổ chức bàn giao nhà tình nghĩa cho gia đình chính sách có "
             "hoàn cảnh khó khăn"),
            ("Nghệ An phấn đấu xóa nhà tạm, nhà dột nát trong năm 2025",
             "UBND tỉnh Nghệ An ban hành kế hoạch xóa nhà tạm, nhà dột nát cho hộ nghèo, hộ "
             "cận nghèo"),
            ("Thông xe cầu dân sinh ở {place}",
             "cây cầu dân sinh nối hai bờ sông ở {place} chính thức được đưa vào sử dụng"),
            ("Học sinh vùng cao {place} đến trường sau kỳ nghỉ Tết",
             "học sinh các trường vùng cao ở {place} đã trở lại trường học sau kỳ nghỉ Tết"),
            ("Tăng cường bảo đảm trật tự an toàn giao thông dịp lễ hội",
             "lực lượng cảnh sát giao thông tỉnh ra quân bảo đảm trật tự an toàn giao thông "
             "mùa lễ hội"),
            ("Hỗ trợ người dân {place} khắc phục hậu quả mưa lũ",
             "chính quyền {place} huy động lực lượng giúp người dân khắc phục hậu quả mưa lũ"),
            ("Phiên giao dịch việc làm thu hút hàng nghìn lao động",
             "phiên giao dịch việc làm do Trung tâm Dịch vụ việc làm tỉnh tổ chức đã thu hút "
             "hàng nghìn người lao động"),
            ("Khám bệnh, phát thuốc miễn phí cho người cao tuổi ở {place}",
             "đoàn y, bác sĩ đã khám bệnh, cấp thuốc miễn phí cho 300 người cao tuổi ở {place}"),
            ("Nước sạch về với bản làng {place}",
             "công trình cấp nước sinh hoạt tập trung ở {place} đã hoàn thành, phục vụ hơn 500 "
             "hộ dân"),
        ),
        sentences=(
            "Ngôi nhà được xây dựng kiên cố với tổng kinh phí 80 triệu đồng.",
            "Bà con trong bản ai cũng vui mừng khi công trình hoàn thành.",
            "Các lực lượng chức năng đã có mặt kịp thời để hỗ trợ người dân.",
            "Đường vào bản nhiều đoạn sạt lở, đi lại rất khó khăn.",
            "Chính quyền địa phương đã rà soát, lập danh sách các hộ cần hỗ trợ.",
            "Nhiều tình nguyện viên tham gia chương trình từ sáng sớm.",
            "Các em học sinh được tặng sách vở, áo ấm trước khi vào năm học mới.",
            "Tuyến đường mới giúp rút ngắn thời gian đi lại của người dân hơn một giờ.",
        ),
        captions=(
            "Bàn giao nhà tình nghĩa", "Học sinh vùng cao trong giờ học",
            "Lực lượng chức năng hỗ trợ người dân", "Người dân qua cầu mới",
            "Bác sĩ khám bệnh cho người cao tuổi",
        ),
        tags=("an sinh xã hội", "giao thông", "nhà tình nghĩa", "vùng cao", "việc làm"),
    ),
    SectionText(
        slug="the-thao", name="Thể thao", sub_slug="bong-da", sub_name="Bóng đá",
        stories=(
            ("Sông Lam Nghệ An giành chiến thắng trên sân Vinh",
             "Sông Lam Nghệ An đã giành chiến thắng 2-1 trước đối thủ trên sân vận động Vinh"),
            ("Giải việt dã truyền thống thu hút hơn 1.000 vận động viên",
             "giải việt dã truyền thống của tỉnh thu hút hơn 1.000 vận động viên tham gia"),
            ("Khai mạc giải bóng chuyền nông dân {place}",
             "giải bóng chuyền nông dân {place} năm 2025 đã khai mạc với 24 đội tham gia"),
            ("Vận động viên Nghệ An giành huy chương vàng quốc gia",
             "vận động viên điền kinh Nghệ An xuất sắc giành huy chương vàng tại giải vô địch "
             "quốc gia"),
            ("Đại hội Thể dục thể thao {place} thành công tốt đẹp",
             "Đại hội Thể dục thể thao {place} lần thứ X đã bế mạc sau một tuần thi đấu"),
            ("Lễ hội đua thuyền truyền thống ở {place}",
             "lễ hội đua thuyền truyền thống trên sông Lam ở {place} thu hút đông đảo người xem"),
            ("Sông Lam Nghệ An chuẩn bị cho giai đoạn hai V.League",
             "Sông Lam Nghệ An đã tập trung trở lại để chuẩn bị cho giai đoạn hai V.League"),
            ("Giải cờ vua học sinh {place} năm 2025",
             "giải cờ vua học sinh {place} quy tụ hơn 200 kỳ thủ nhí"),
            ("Nghệ An đăng cai giải võ cổ truyền toàn quốc",
             "Nghệ An sẽ đăng cai giải vô địch võ cổ truyền toàn quốc với hơn 600 vận động viên"),
        ),
        sentences=(
            "Ngay từ những phút đầu, đội chủ nhà đã chủ động tấn công.",
            "Ban tổ chức đã trao giải nhất, nhì, ba cho các vận động viên xuất sắc.",
            "Khán giả đã cổ vũ nhiệt tình cho các đội thi đấu.",
            "Huấn luyện viên trưởng hài lòng với tinh thần thi đấu của các cầu thủ.",
            "Giải đấu là dịp để phát hiện, bồi dưỡng các tài năng thể thao trẻ.",
            "Các vận động viên thi đấu sôi nổi, trung thực và cao thượng.",
            "Đội bóng sẽ có chuyến làm khách vào cuối tuần tới.",
            "Phong trào thể dục thể thao quần chúng ngày càng phát triển mạnh.",
        ),
        captions=(
            "Pha tranh bóng trong trận đấu", "Các vận động viên xuất phát",
            "Ban tổ chức trao giải cho các đội", "Cổ động viên trên khán đài",
            "Các đội thuyền tranh tài trên sông Lam",
        ),
        tags=("Sông Lam Nghệ An", "V.League", "thể thao Nghệ An", "việt dã", "bóng chuyền"),
    ),
)

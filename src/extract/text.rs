//! Plain text in every encoding Chinese files come in: UTF-8, UTF-16 and
//! UTF-32 (with or without a BOM), GB18030/GBK/GB2312, Big5, HZ, and files
//! that mix GBK and UTF-8 lines (text pasted together from two sources).
//!
//! Detection, in order:
//! 1. A BOM wins (UTF-32 is checked before UTF-16: `FF FE 00 00`), when
//!    the reading looks like text.
//! 2. NUL bytes: UTF-32 or UTF-16 without a BOM, whichever reads as text.
//! 3. Valid UTF-8 is UTF-8 — unless it is 7-bit HZ (`~{…~}`).
//! 4. Otherwise line by line: a line that is valid UTF-8 (or UTF-8 with a
//!    stray broken byte) stays UTF-8; the others are decoded with the
//!    declared encoding or the one `chardetng` (Firefox's detector, by the
//!    author of encoding_rs) guesses from them: GB18030 or Big5.
//! 5. A legacy reading that does not look like Chinese text is compared
//!    with UTF-16 readings (CJK-only UTF-16 has no NUL bytes).
//!
//! "Looks like text" counts characters announcements are written in and,
//! among CJK ideographs, the share of the few hundred most frequent ones:
//! a wrong decoding produces rare characters at random.

use encoding_rs::{BIG5, Encoding, GB18030, GBK, UTF_8, UTF_16BE, UTF_16LE};

use crate::model::{Document, Format, PartKind};

/// Decoded text and what it was decoded from.
#[derive(Debug)]
pub struct Decoded {
    /// The text.
    pub text: String,
    /// The encoding used (for mixed files, the legacy one).
    pub encoding: &'static Encoding,
    /// How many malformed sequences were replaced with U+FFFD.
    pub errors: usize,
}

impl Decoded {
    fn new(text: String, encoding: &'static Encoding) -> Decoded {
        let errors = count_replacements(&text);
        Decoded {
            text,
            encoding,
            errors,
        }
    }
}

/// Decodes bytes, guessing the encoding. `declared` (an HTML `<meta charset>`,
/// an XML declaration or an HTTP charset) is tried before guessing.
pub fn decode(bytes: &[u8], declared: Option<&'static Encoding>) -> Decoded {
    if let Some(d) = decode_bom(bytes) {
        return d;
    }
    if bytes.contains(&0)
        && let Some(d) = decode_wide(bytes)
    {
        return d;
    }
    if bytes.contains(&0x1B)
        && let Some(d) = decode_iso2022(bytes)
    {
        return d;
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        if let Some(repaired) = repair_mojibake(s) {
            return Decoded::new(repaired, UTF_8);
        }
        if s.is_ascii()
            && s.contains("~{")
            && let Some(text) = decode_hz(s)
        {
            return Decoded::new(text, GB18030);
        }
        if s.is_ascii()
            && s.contains('+')
            && let Some(text) = decode_utf7(s)
        {
            return Decoded::new(text, UTF_8);
        }
        if declared.is_none_or(|d| d == UTF_8) || s.is_ascii() {
            return Decoded::new(s.to_string(), UTF_8);
        }
    }
    let legacy = declared
        .filter(|d| *d != UTF_8)
        .unwrap_or_else(|| guess_legacy(bytes));
    let mut best = decode_lines(bytes, legacy);
    // CJK-only UTF-16 has no NUL bytes, and its byte pairs read as
    // *something* in GB18030: compare when the legacy reading is poor.
    if bytes.len().is_multiple_of(2) && !reads_as_chinese(&best.text) {
        for wide in [UTF_16LE, UTF_16BE] {
            let (text, had_errors) = wide.decode_without_bom_handling(bytes);
            if !had_errors && reads_as_chinese(&text) && !has_controls(&text) {
                best = Decoded::new(text.into_owned(), wide);
                break;
            }
        }
    }
    best
}

/// Whether bytes with NUL bytes in them are UTF-16 or UTF-32 text.
pub fn is_wide_text(bytes: &[u8]) -> bool {
    decode_bom(bytes).is_some() || decode_wide(bytes).is_some()
}

/// ISO-2022 text (7-bit, escape sequences): ISO-2022-JP by encoding_rs,
/// or the GB 2312 designations of ISO-2022-CN and ISO-2022-JP-2
/// (`ESC $ A`, `ESC $ ) A` with SO/SI), decoded here.
fn decode_iso2022(bytes: &[u8]) -> Option<Decoded> {
    if !bytes.is_ascii() {
        return None;
    }
    let (text, had_errors) = encoding_rs::ISO_2022_JP.decode_without_bom_handling(bytes);
    if !had_errors && !text.contains('\u{1B}') && looks_like_text(&text) {
        return Some(Decoded::new(text.into_owned(), encoding_rs::ISO_2022_JP));
    }
    let mut out = String::with_capacity(bytes.len());
    let (mut gb_g0, mut gb_g1, mut shifted) = (false, false, false);
    let mut i = 0;
    let mut pair = [0u8; 2];
    while i < bytes.len() {
        let rest = &bytes[i..];
        if rest.starts_with(b"\x1B$A") || rest.starts_with(b"\x1B$(A") {
            gb_g0 = true;
            i += if rest[2] == b'(' { 4 } else { 3 };
        } else if rest.starts_with(b"\x1B$)A") {
            gb_g1 = true;
            i += 4;
        } else if rest.starts_with(b"\x1B(B") || rest.starts_with(b"\x1B(J") {
            gb_g0 = false;
            i += 3;
        } else if rest[0] == 0x1B {
            // Another designation (JIS, KS C, Big5 planes): not decoded.
            return None;
        } else if rest[0] == 0x0E {
            shifted = true;
            i += 1;
        } else if rest[0] == 0x0F || rest[0] == b'\n' {
            shifted = false;
            out.push_str(if rest[0] == b'\n' { "\n" } else { "" });
            i += 1;
        } else if ((gb_g0 && !shifted) || (gb_g1 && shifted)) && rest.len() >= 2 && rest[0] > 0x20 {
            pair = [rest[0] | 0x80, rest[1] | 0x80];
            let (t, _, bad) = GBK.decode(&pair);
            if bad {
                return None;
            }
            out.push_str(&t);
            i += 2;
        } else {
            out.push(rest[0] as char);
            i += 1;
        }
    }
    let _ = pair;
    (looks_like_text(&out) && reads_as_chinese(&out)).then(|| Decoded::new(out, GB18030))
}

/// Text decoded twice: Chinese that went through a Latin-1 (or Windows
/// 1252) reading and was saved again (`è´­ä¹°` for 购买). When most
/// non-ASCII characters are Latin-1 letters and mapping them back to
/// bytes gives UTF-8 or GB18030 that reads as Chinese, that is the text.
fn repair_mojibake(s: &str) -> Option<String> {
    if s.is_ascii() {
        return None;
    }
    let mut non_ascii = 0usize;
    let mut latin = 0usize;
    let mut buf = [0u8; 4];
    for c in s.chars().filter(|c| !c.is_ascii()) {
        non_ascii += 1;
        if ('\u{4E00}'..='\u{9FFF}').contains(&c) {
            // Real Chinese text: nothing to repair.
            return None;
        }
        let (b, _, bad) = encoding_rs::WINDOWS_1252.encode(c.encode_utf8(&mut buf));
        if !bad && b.len() == 1 {
            latin += 1;
        }
    }
    if non_ascii < 10 || latin * 10 < non_ascii * 9 {
        return None;
    }
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(s);
    if unmappable {
        return None;
    }
    let repaired = match std::str::from_utf8(&bytes) {
        Ok(u) => u.to_string(),
        Err(_) => GB18030.decode_without_bom_handling(&bytes).0.into_owned(),
    };
    let cjk = repaired
        .chars()
        .filter(|c| ('\u{4E00}'..='\u{9FFF}').contains(c))
        .count();
    (cjk >= 10 && reads_as_chinese(&repaired) && count_replacements(&repaired) * 20 < cjk)
        .then_some(repaired)
}

/// A BOM's reading, if it looks like text.
fn decode_bom(bytes: &[u8]) -> Option<Decoded> {
    if bytes.starts_with(&[0xFF, 0xFE, 0, 0]) || bytes.starts_with(&[0, 0, 0xFE, 0xFF]) {
        let text = decode_utf32(&bytes[4..], bytes[0] == 0xFF)?;
        return looks_like_text(&text).then(|| Decoded::new(text, UTF_16LE));
    }
    let (enc, bom_len) = Encoding::for_bom(bytes)?;
    let (text, _) = enc.decode_without_bom_handling(&bytes[bom_len..]);
    // Two bytes decide UTF-16, and any byte pairs decode to *some*
    // characters: UTF-8 text behind a stray `FF FE` would read as Hangul
    // and rare ideographs, and an ID number in it would vanish. A UTF-16
    // reading that does not look like text is not trusted.
    (enc == UTF_8 || looks_like_text(&text)).then(|| Decoded::new(text.into_owned(), enc))
}

/// UTF-32 or UTF-16 without a BOM: the first reading that looks like text.
fn decode_wide(bytes: &[u8]) -> Option<Decoded> {
    if bytes.len().is_multiple_of(4) {
        for little in [true, false] {
            if let Some(text) = decode_utf32(bytes, little)
                && looks_like_text(&text)
                && !has_controls(&text)
            {
                return Some(Decoded::new(text, if little { UTF_16LE } else { UTF_16BE }));
            }
        }
    }
    if bytes.len().is_multiple_of(2) {
        for wide in [UTF_16LE, UTF_16BE] {
            let (text, had_errors) = wide.decode_without_bom_handling(bytes);
            if !had_errors && looks_like_text(&text) && !has_controls(&text) {
                return Some(Decoded::new(text.into_owned(), wide));
            }
        }
    }
    None
}

/// UTF-32 (encoding_rs does not decode it: the WHATWG standard dropped it).
fn decode_utf32(bytes: &[u8], little: bool) -> Option<String> {
    bytes
        .chunks_exact(4)
        .map(|q| {
            let v = if little {
                u32::from_le_bytes([q[0], q[1], q[2], q[3]])
            } else {
                u32::from_be_bytes([q[0], q[1], q[2], q[3]])
            };
            char::from_u32(v)
        })
        .collect()
}

/// HZ (RFC 1843): GB2312 in 7-bit bytes between `~{` and `~}`, `~~` for
/// a tilde. No maintained crate decodes it; it is a dozen lines.
fn decode_hz(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    let mut gb = false;
    let mut pair = Vec::with_capacity(2);
    let mut hanzi = 0;
    while i < b.len() {
        if b[i] == b'~' && i + 1 < b.len() {
            match b[i + 1] {
                b'{' => gb = true,
                b'}' => gb = false,
                b'~' => out.push('~'),
                b'\n' => {}
                _ => out.push('~'),
            }
            i += 2;
            continue;
        }
        if gb && b[i] >= 0x21 && i + 1 < b.len() {
            pair.clear();
            pair.extend([b[i] | 0x80, b[i + 1] | 0x80]);
            let (text, _, bad) = GBK.decode(&pair);
            if bad {
                return None;
            }
            out.push_str(&text);
            hanzi += 1;
            i += 2;
            continue;
        }
        out.push(b[i] as char);
        i += 1;
    }
    (hanzi > 0).then_some(out)
}

/// UTF-7 (RFC 2152): `+` opens base64 of UTF-16BE, `-` or any character
/// outside base64 closes it, `+-` is a plus. Taken only when it decodes to
/// Chinese (an ordinary ASCII file with `+` in it is not UTF-7).
fn decode_utf7(s: &str) -> Option<String> {
    use base64::Engine as _;
    let engine = base64::engine::general_purpose::STANDARD_NO_PAD;
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    let mut shifted = 0;
    while i < b.len() {
        if b[i] != b'+' {
            out.push(b[i] as char);
            i += 1;
            continue;
        }
        let start = i + 1;
        let mut end = start;
        while end < b.len() && (b[end].is_ascii_alphanumeric() || b[end] == b'+' || b[end] == b'/')
        {
            end += 1;
        }
        if end == start {
            out.push('+');
        } else {
            // Whole 16-bit units only: extra bits at the end are padding.
            let run = &s[start..end];
            let bits = run.len() * 6;
            let chars = (bits / 16 * 16).div_ceil(6);
            let bytes = engine.decode(&run[..chars.min(run.len())]).ok()?;
            let units: Vec<u16> = bytes
                .chunks_exact(2)
                .map(|p| u16::from_be_bytes([p[0], p[1]]))
                .collect();
            out.push_str(&String::from_utf16(&units).ok()?);
            shifted += 1;
        }
        i = if b.get(end) == Some(&b'-') {
            end + 1
        } else {
            end
        };
    }
    let cjk = out
        .chars()
        .filter(|c| ('\u{4E00}'..='\u{9FFF}').contains(c))
        .count();
    (shifted > 0 && cjk >= 4 && reads_as_chinese(&out)).then_some(out)
}

/// Bytes of non-UTF-8 lines the encoding guess looks at.
const GUESS_SAMPLE_BYTES: usize = 8 << 10;

/// The legacy encoding the non-UTF-8 lines are in: chardetng's guess
/// between GB18030 and Big5 (other guesses are not Chinese: GB18030).
fn guess_legacy(bytes: &[u8]) -> &'static Encoding {
    // Most Chinese legacy text is GBK: when a sample decodes as GB18030
    // without error into text made of frequent characters, that is it (and
    // the detector, the slowest step of a scan, is not needed).
    let sample = &bytes[..bytes.len().min(GUESS_SAMPLE_BYTES)];
    // Cut after an ASCII byte, so no character is cut in two.
    let sample = match sample.iter().rposition(u8::is_ascii) {
        Some(i) if sample.len() < bytes.len() => &sample[..=i],
        _ => sample,
    };
    let (gb, _, gb_errors) = GB18030.decode(sample);
    if !gb_errors && frequent_share(&gb).is_some_and(|share| share >= 0.6) {
        return GB18030;
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    // A sample decides: the detector's guess settles within a few
    // kilobytes, and feeding it a whole archive file would cost more than
    // everything else the scan does.
    let mut invalid = Vec::new();
    for line in bytes.split_inclusive(|b| *b == b'\n') {
        if std::str::from_utf8(line).is_err() {
            invalid.extend_from_slice(line);
            if invalid.len() >= GUESS_SAMPLE_BYTES {
                invalid.truncate(GUESS_SAMPLE_BYTES);
                break;
            }
        }
    }
    detector.feed(&invalid, true);
    let guess = detector.guess(None, chardetng::Utf8Detection::Deny);
    if guess == BIG5 { BIG5 } else { GB18030 }
}

/// Decodes line by line: valid UTF-8 lines (or UTF-8 lines with a stray
/// broken byte) as UTF-8, the others with `legacy`.
///
/// A stray byte in UTF-8 text must not switch the line to GB18030: its
/// four-byte sequences can swallow an ID number's digits. Long runs of
/// valid multi-byte UTF-8 do not happen in GBK text, so a line whose lossy
/// UTF-8 reading has at most one error per two multi-byte characters
/// stays UTF-8.
fn decode_lines(bytes: &[u8], legacy: &'static Encoding) -> Decoded {
    // A file that as a whole does not read as UTF-8 with a few broken bytes,
    // and has no valid UTF-8 line that is not plain ASCII, is all legacy:
    // decoded in one go.
    let (mut errors, mut multibyte) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        multibyte += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        errors += usize::from(!chunk.invalid().is_empty());
    }
    let utf8_lines = bytes
        .split(|b| *b == b'\n')
        .any(|line| !line.is_ascii() && std::str::from_utf8(line).is_ok());
    if !utf8_lines && errors * 2 > multibyte {
        let (text, _) = legacy.decode_without_bom_handling(bytes);
        return Decoded::new(text.into_owned(), legacy);
    }
    let mut text = String::with_capacity(bytes.len() + bytes.len() / 2);
    let mut used_legacy = false;
    for line in bytes.split_inclusive(|b| *b == b'\n') {
        if let Ok(s) = std::str::from_utf8(line) {
            text.push_str(s);
            continue;
        }
        let lossy = String::from_utf8_lossy(line);
        let errors = count_replacements(&lossy);
        let multibyte = lossy
            .chars()
            .filter(|c| !c.is_ascii() && *c != '\u{FFFD}')
            .count();
        if errors * 2 <= multibyte {
            text.push_str(&lossy);
        } else {
            let (decoded, _) = legacy.decode_without_bom_handling(line);
            text.push_str(&decoded);
            used_legacy = true;
        }
    }
    Decoded::new(text, if used_legacy { legacy } else { UTF_8 })
}

/// Characters announcements are written in.
fn is_usual(c: char) -> bool {
    let u = c as u32;
    (c.is_ascii() && (!c.is_ascii_control() || c.is_ascii_whitespace()))
        || c.is_whitespace()
        || (0x4E00..=0x9FFF).contains(&u) // CJK ideographs
        || (0x3400..=0x4DBF).contains(&u) // extension A
        || (0x3000..=0x30FF).contains(&u) // CJK punctuation, kana
        || (0xFF00..=0xFFEF).contains(&u) // full-width forms
        || (0x2000..=0x27BF).contains(&u) // punctuation, symbols, arrows, shapes, ①
        || (0x00A0..=0x024F).contains(&u) // Latin-1 and extended Latin
        || (0x0370..=0x04FF).contains(&u) // Greek, Cyrillic (units, list marks)
        || (0xF900..=0xFAFF).contains(&u) // CJK compatibility ideographs
        || (0xFE30..=0xFE4F).contains(&u) // CJK compatibility forms
        || (0x3200..=0x33FF).contains(&u) // enclosed CJK, ㎡
}

/// Whether at least 90 % of the characters are usual ones.
fn looks_like_text(text: &str) -> bool {
    let mut total = 0usize;
    let mut usual = 0usize;
    for c in text.chars().take(100_000) {
        total += 1;
        if is_usual(c) {
            usual += 1;
        }
    }
    usual * 10 >= total * 9
}

/// Control characters other than whitespace: more than one in 200.
fn has_controls(text: &str) -> bool {
    let mut total = 0usize;
    let mut controls = 0usize;
    for c in text.chars().take(100_000) {
        total += 1;
        if c.is_control() && !c.is_whitespace() {
            controls += 1;
        }
    }
    controls * 200 > total
}

/// The most frequent characters of modern written Chinese (simplified and
/// the traditional forms of the same), plus the words of procurement.
const FREQUENT: &str = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理府研质队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严首底液官德随病苏失尔死讲配女黄推显谈罪神艺呢席含企望密批营项防举球英氧势告李台落木帮轮破亚师围注远字材排供河态封另施减树溶怎止案言士均武固叶鱼波视仅费紧爱左章早朝害续轻服试食充兵源判护司足某练差致板田降黑犯负击范继兴似余坚曲输修故城夫够送笔船占右财吃富春职觉汉画功巴跟虽杂飞检吸助升阳互初创抗考投坏策古径换未跑留钢曾端责站简述钱副尽帝射草冲承独令限阿宣环双请超微让控州良轴找否纪益依优顶础载倒房突坐粉敌略客袁冷胜绝析块剂测丝协诉念陈仍罗盐友洋错苦夜刑移频逐靠混母短皮终聚汽村云哪既距卫停烈央察烧迅境若印洲刻括激孔搞甚室待核校散侵吧甲游久菜味旧模湖货损预阻毫普稳乙妈植息扩银语挥酒守拿序纸医缺雨吗针刘啊急唱误训愿审附获茶鲜粮斤孩脱硫肥善龙演父渐血欢械掌歌沙刚攻谓盾讨晚粒乱燃矛乎杀药宁鲁贵钟煤读班伯香介迫句丰培握兰担弦蛋沉假穿执答乐谁顺烟缩征脸喜松脚困异免背星福买染井概慢怕磁倍祖皇促静补评翻肉践尼衣宽扬棉希伤操垂秋宜氢套督振架亮末宪庆编牛触映雷销诗座居抓裂胞呼娘景威绿晶厚盟衡鸡孙延危胶屋乡临陆顾掉呀灯岁措束耐剧玉赵跳哥季课凯胡额款绍卷齐伟蒸殖永宗苗川炉岩弱零杨奏沿露杆探滑镇饭浓航怀赶库夺伊灵税途灭赛归召鼓播盘裁险康唯录菌纯借糖盖横符私努堂域枪润幅哈竟熟虫泽脑壤碳欧遍侧寨敢彻虑斜薄庭纳弹饲伸折麦湿暗荷瓦塞床筑恶户访塔奇透梁刀旋迹卡氯遇份毒泥退洗摆灰彩卖耗夏择忙铜献硬予繁圈雪函亦抽篇阵阴丁尺追堆雄迎泛爸楼避谋吨野猪旗累偏典馆索秦脂潮爷豆忽托惊塑遗愈朱替纤粗倾尚痛楚谢奋购磨君池旁碎骨监捕弟暴割贯殊释词亡壁顿宝午尘闻揭炮残冬桥妇警综招吴付浮遭徐您摇谷赞箱隔订男吹园纷唐败宋玻巨耕坦荣闭湾键凡驻锅救恩剥凝碱齿截炼麻纺禁废盛版缓净睛昌婚涉筒嘴插岸朗庄街藏姑贸腐奴啦惯乘伙恢匀纱扎辩耳彪臣亿璃抵脉秀萨俄网舞店喷纵寸汗挂洪贺闪柬爆烯津稻墙软勇像滚厘蒙芳肯坡柱荡腿仪旅尾轧冰贡登黎削钻勒逃障氨郭峰币港伏轨亩毕擦莫刺浪秘援株健售股岛甘泡睡童铸汤阀休汇舍牧绕炸哲磷绩朋淡尖启陷柴呈徒颜泪稍忘泵蓝拖洞授镜辛壮锋贫虚弯摩泰幼廷尊窗纲弄隶疑氏宫姐震瑞怪尤琴循描膜违夹腰缘珠穷森枝竹沟催绳忆邦剩幸浆栏拥牙贮礼滤钠纹罢拍咱喊袖埃勤罚焦潜伍墨欲缝姓刊饱仿奖铝鬼丽跨默挖链扫喝袋炭污幕诸弧励梅奶洁灾舟鉴苯讼抱毁懂寒智埔寄届跃渡挑丹艰贝碰拔爹戴码梦芽熔赤渔哭敬颗奔铅仲虎稀妹乏珍申桌遵允隆螺仓魏锐晓氮兼隐碍赫拨忠肃缸牵抢博巧壳兄杜讯诚碧祥柯页巡矩悲灌龄伦票寻桂铺圣恐恰郑趣抬荒腾贴柔滴猛阔辆妻填撤储签闹扰紫砂递戏吊陶伐喂疗瓶婆抚臂摸忍虾蜡邻胸巩挤偶弃槽劲乳邓吉仁烂砖租乌舰伴瓜浅丙暂燥橡柳迷暖牌秧胆详簧踏瓷谱呆宾糊洛辉愤竞隙怒粘乃绪肩籍敏涂熙皆侦悬掘享纠醒狂锁淀恨牲霸爬赏逆玩陵祝秒浙貌役彼悉鸭趋凤晨畜辈秩卵署梯炎滩棋驱筛峡冒啥寿译浸泉帽迟硅疆贷漏稿冠嫩胁芯牢叛蚀奥鸣岭羊凭串塘绘酵融盆锡庙筹冻辅摄袭筋拒僚旱钾鸟漆沈眉疏添棒穗硝韩逼扭侨凉挺碗栽炒杯患馏劝豪辽勃鸿旦吏拜狗埋辊掩饮搬骂辞勾扣估蒋绒雾丈朵姆拟宇辑陕雕偿蓄崇剪倡厅咬驶薯刷斥番赋奉佛浇漫曼扇钙桃扶仔返俗亏腔鞋棱覆框悄叔撞骗勘旺沸孤吐孟渠屈疾妙惜仰狠胀谐抛霉桑岗嘛衰盗渗脏赖涌甜曹阅肌哩厉烃纬毅昨伪症煮叹钉搭茎笼酷偷弓锥恒杰坑鼻翼纶叙狱逮罐络棚抑膨蔬寺骤穆冶枯册尸凸绅坯牺焰轰欣晋瘦御锭锦丧旬锻垄搜扑邀亭酯迈舒脆酶闲忧酚顽羽涨卸仗陪辟惩杭姚肚捉飘漂昆欺吾郎烷汁呵饰萧雅邮迁燕撒姻赴宴烦债帐斑铃旨醇董饼雏姿拌傅腹妥揉贤拆歪葡胺丢浩徽昂垫挡览贪慰缴汪慌冯诺姜谊凶劣诬耀昏躺盈骑乔溪丛卢抹闷咨刮驾缆悟摘铒掷颇幻柄惠惨佳仇腊窝涤剑瞧堡泼葱罩霍捞胎苍滨俩捅湘砍霞邵萄疯淮遂熊粪烘宿档戈驳嫂裕徙箭捐肠撑晒辨殿莲摊搅酱屏疫哀蔡堵沫皱畅叠阁莱敲辖钩痕坝巷饿祸丘玄溜曰逻彭尝卿妨艇吞韦怨矮歇";

/// Whether a text reads as Chinese: at least ten CJK ideographs and at
/// least a quarter of them among the most frequent ones (a wrong decoding
/// scatters over all 20,000). Text with few ideographs says nothing.
fn reads_as_chinese(text: &str) -> bool {
    frequent_share(text).is_none_or(|share| share >= 0.25)
}

/// Among the first 20,000 characters, the share of CJK ideographs that
/// are frequent ones; `None` below ten ideographs (says nothing).
fn frequent_share(text: &str) -> Option<f64> {
    // One bit per CJK ideograph: set for the frequent ones and for the
    // traditional forms of them (built once).
    static FREQUENT_BITS: std::sync::LazyLock<Vec<u64>> = std::sync::LazyLock::new(|| {
        let set: std::collections::HashSet<char> = FREQUENT.chars().collect();
        let mut bits = vec![0u64; (0x9FFF - 0x4E00) / 64 + 1];
        for u in 0x4E00u32..=0x9FFF {
            let Some(c) = char::from_u32(u) else { continue };
            let frequent = set.contains(&c)
                || fast2s::convert(c.encode_utf8(&mut [0; 4]))
                    .chars()
                    .next()
                    .is_some_and(|s| set.contains(&s));
            if frequent {
                let i = (u - 0x4E00) as usize;
                bits[i / 64] |= 1 << (i % 64);
            }
        }
        bits
    });
    let bits = &*FREQUENT_BITS;
    let mut cjk = 0usize;
    let mut frequent = 0usize;
    for c in text.chars().take(20_000) {
        let u = c as u32;
        if (0x4E00..=0x9FFF).contains(&u) {
            cjk += 1;
            let i = (u - 0x4E00) as usize;
            if bits[i / 64] & (1 << (i % 64)) != 0 {
                frequent += 1;
            }
        }
    }
    (cjk >= 10).then(|| frequent as f64 / cjk as f64)
}

fn count_replacements(text: &str) -> usize {
    text.chars().filter(|c| *c == '\u{FFFD}').count()
}

/// Whether decoding went so badly that the input is not really text:
/// many undecodable sequences, control characters, unusual characters, or
/// ideographs that no Chinese text uses together (a binary body such as
/// msgpack read as GB18030). Judged on the first [`GARBAGE_SAMPLE_CHARS`]
/// characters: a wrong decoding is wrong from the start.
pub fn mostly_garbage(d: &Decoded) -> bool {
    let sample_end = d
        .text
        .char_indices()
        .nth(GARBAGE_SAMPLE_CHARS)
        .map_or(d.text.len(), |(i, _)| i);
    let sample = &d.text[..sample_end];
    // Undecodable sequences are counted over the whole text; the rest on
    // the sample.
    let too_many_errors = d.errors > 0 && d.errors * 20 > d.text.chars().count().max(1);
    too_many_errors || !plain_characters(sample) || !reads_as_chinese(sample)
}

/// One pass over a sample: few control characters (one in 200 at most)
/// and mostly (70 %) the characters announcements are written in.
fn plain_characters(sample: &str) -> bool {
    let (mut total, mut usual, mut controls) = (0usize, 0usize, 0usize);
    for c in sample.chars() {
        total += 1;
        if c.is_control() && !c.is_whitespace() {
            controls += 1;
        } else if is_usual(c) || c == '\u{FFFD}' {
            usual += 1;
        }
    }
    controls * 200 <= total && usual * 10 >= total * 7
}

/// Characters of a decoded text the garbage test looks at.
const GARBAGE_SAMPLE_CHARS: usize = 4_096;

/// Extracts a plain-text file.
pub fn extract(bytes: &[u8]) -> Document {
    let decoded = decode(bytes, None);
    let mut doc = Document::new(Format::Text);
    if mostly_garbage(&decoded) {
        doc.unreadable(
            "body",
            format!(
                "文本编码无法识别（{} 处无法解码）/ undecodable text",
                decoded.errors
            ),
        );
        return doc;
    }
    doc.push("body", PartKind::Content, decoded.text);
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gbk_is_detected() {
        let (bytes, _, _) = GB18030.encode("招标公告：项目编号 ZB-1");
        let d = decode(&bytes, None);
        assert_eq!(d.text, "招标公告：项目编号 ZB-1");
        assert_eq!(d.encoding, GB18030);
    }

    #[test]
    fn utf16_with_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "公告".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode(&bytes, None).text, "公告");
    }

    #[test]
    fn a_stray_utf16_bom_before_utf8_text_does_not_hide_it() {
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend_from_slice("联系人身份证：370102198001011237 招标公告".as_bytes());
        let d = decode(&bytes, None);
        assert!(d.text.contains("370102198001011237"), "{}", d.text);
        let mut be = vec![0xFE, 0xFF];
        be.extend_from_slice(b"ID 370102198001011237 plain ascii after a BOM");
        assert!(decode(&be, None).text.contains("370102198001011237"));
    }

    #[test]
    fn utf8_with_a_stray_byte_stays_utf8() {
        let mut bytes = "联系人身份证：370102198001011237 公告内容"
            .as_bytes()
            .to_vec();
        bytes.insert(6, 0x82);
        let d = decode(&bytes, None);
        assert_eq!(d.encoding, UTF_8);
        assert!(d.text.contains("370102198001011237"), "{}", d.text);
        // GBK text is still read as GBK.
        let (gbk, _, _) =
            GB18030.encode("招标公告：项目编号 ZB-1，联系人身份证 370102198001011237");
        assert_eq!(decode(&gbk, None).encoding, GB18030);
    }

    #[test]
    fn wide_encodings_without_a_bom() {
        let text = "招标公告：联系人身份证 370102198001011237，项目编号 ZB-1。";
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        let utf32: Vec<u8> = text
            .chars()
            .flat_map(|c| (c as u32).to_le_bytes())
            .collect();
        for bytes in [le, be, utf32] {
            assert_eq!(decode(&bytes, None).text, text);
        }
        // CJK-only UTF-16 has no NUL byte at all.
        let cjk = "采购人名称：某某市公共资源交易中心，项目名称：办公设备采购项目，预算金额见附件";
        let le: Vec<u8> = cjk.encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert!(!le.contains(&0));
        assert_eq!(decode(&le, None).text, cjk);
    }

    #[test]
    fn big5_hz_and_mixed_lines() {
        let text =
            "中標公告：採購項目名稱為辦公設備，聯絡人身份證號碼 370102198001011237，特此公告。";
        let (big5, _, _) = BIG5.encode(text);
        let d = decode(&big5, None);
        assert_eq!(d.encoding, BIG5);
        assert_eq!(d.text, text);
        let hz = "~{UP1j9+8f~} ID 370102198001011237";
        assert!(decode(hz.as_bytes(), None).text.starts_with("招标公告"));
        let (gbk_line, _, _) = GBK.encode("联系人身份证号码：370102198001011237\n");
        let mut mixed = "中标公告（UTF-8 行）\n".as_bytes().to_vec();
        mixed.extend_from_slice(&gbk_line);
        mixed.extend_from_slice("项目编号：ZB-1\n".as_bytes());
        let d = decode(&mixed, None);
        assert!(d.text.contains("中标公告"), "{}", d.text);
        assert!(
            d.text.contains("联系人身份证号码：370102198001011237"),
            "{}",
            d.text
        );
        assert!(d.text.contains("项目编号"), "{}", d.text);
    }

    #[test]
    fn mojibake_and_iso2022_are_read() {
        let text =
            "中标公告：采购项目名称为办公设备，联系人身份证号码 370102198001011237，特此公告。";
        let twice: String = text
            .bytes()
            .map(|b| {
                encoding_rs::WINDOWS_1252
                    .decode(&[b])
                    .0
                    .chars()
                    .next()
                    .unwrap()
            })
            .collect();
        assert_eq!(decode(twice.as_bytes(), None).text, text);
        let (gb, _, _) = GBK.encode(text);
        let iso: Vec<u8> = [
            b"\x1B$)A".to_vec(),
            gb.iter()
                .flat_map(|b| {
                    if *b >= 0x80 {
                        vec![*b & 0x7F]
                    } else {
                        vec![0x0F, *b, 0x0E]
                    }
                })
                .collect::<Vec<u8>>(),
        ]
        .concat();
        let mut wrapped = iso[..4].to_vec();
        wrapped.push(0x0E);
        wrapped.extend_from_slice(&iso[4..]);
        wrapped.push(0x0F);
        let d = decode(&wrapped, None);
        assert!(
            d.text.contains("370102198001011237") && d.text.contains("中标公告"),
            "{}",
            d.text
        );
    }

    #[test]
    fn utf7_is_read() {
        // "招标公告 ID 370102198001011237" in UTF-7.
        assert_eq!(
            decode(b"+YttoB1FsVEo- ID 370102198001011237", None).text,
            "招标公告 ID 370102198001011237"
        );
        // A plus sign in ordinary text stays a plus sign.
        assert_eq!(decode(b"1+1=2, C++", None).text, "1+1=2, C++");
    }

    #[test]
    fn binary_read_as_text_is_garbage() {
        // msgpack: a map with a string and a 64-bit integer, no NUL byte.
        let mut msgpack = vec![0x82, 0xa7];
        msgpack.extend_from_slice(b"content");
        msgpack.extend_from_slice(&[0xd9, 0x10]);
        msgpack.extend_from_slice(&[
            0xe6, 0x8b, 0x9b, 0xe6, 0xa0, 0x87, 0x91, 0x92, 0xa3, 0xb4, 0xc5, 0xd6, 0xe7, 0xf8,
            0x99, 0xaa,
        ]);
        msgpack.extend_from_slice(&[
            0xa2, b'i', b'd', 0xcf, 0x05, 0x23, 0x4f, 0x1a, 0x9c, 0x12, 0x34, 0x56,
        ]);
        let doc = extract(&msgpack);
        assert!(doc.pieces.is_empty(), "{:?}", doc.pieces);
        assert_eq!(doc.unreadable.len(), 1);
    }

    #[test]
    fn garbage_is_unreadable() {
        // 0xFF starts no sequence in UTF-8 or GB18030.
        let bytes = [0xFFu8; 400];
        let doc = extract(&bytes);
        assert!(doc.pieces.is_empty());
        assert_eq!(doc.unreadable.len(), 1);
    }
}

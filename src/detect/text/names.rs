//! Person names: recognising a list of Chinese names (an expert panel, a
//! list of members) by common surnames.
//!
//! A name here is 2–4 Chinese characters starting with a surname from the
//! list (single or compound). That is enough to tell `张三、李四、王五` from
//! `由采购人代表和评审专家组成`, which is what the procurement detector
//! needs; it is not a general name recogniser.

/// Compound surnames, checked first.
const COMPOUND: &[&str] = &[
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒",
    "夏侯", "令狐", "端木", "独孤", "南宫", "西门", "百里", "呼延", "澹台", "轩辕",
];

/// The most common single-character surnames (covering the vast majority
/// of the population).
const SINGLE: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由";

/// Words that start with a surname character but are not names in these
/// documents (`王` in 王府井 is rare; `高` in 高级 and `方` in 方式 are not).
const NOT_NAMES: &[&str] = &[
    "高级",
    "方式",
    "方法",
    "方案",
    "文件",
    "安全",
    "常规",
    "成员",
    "代表",
    "于是",
    "管理",
    "单位",
    "时间",
    "明确",
    "全部",
    "全体",
    "和",
    "以及",
    "等人",
    "周期",
    "曲线",
    "华为",
    "国家",
    "国有",
    "平台",
    "原因",
    "计划",
    "信息",
    "宣传",
    "应当",
    "应急",
    "利用",
    "海关",
    "江苏",
    "江西",
    "湖南",
    "湖北",
    "广东",
    "广西",
    "山东",
    "山西",
    "河南",
    "河北",
    "云南",
    "贵州",
    "四川",
    "福建",
    "浙江",
    "安徽",
    "辽宁",
    "吉林",
    "黑龙江",
    "甘肃",
    "青海",
    "宁夏",
    "新疆",
    "西藏",
    "内蒙古",
    "海南",
    "重庆",
    "天津",
    "上海",
    "北京",
    "专家",
    "组长",
    "副组长",
    "主任",
    "教授",
    "工程师",
    "经理",
    "总监",
    "处长",
    "科长",
    "医生",
    "律师",
    "会计",
    "审计",
    "财务",
    "技术",
    "商务",
    "经济",
    "法律",
    "项目",
    "采购",
    "评审",
    "评标",
    "谈判",
    "磋商",
    "询价",
    "小组",
    "委员",
    "委员会",
    "万元",
    "元整",
    "公司",
    "有限",
    "集团",
    "中心",
    "医院",
    "学校",
    "大学",
    "研究",
    "设计",
    "咨询",
    "监理",
    "施工",
    "服务",
    "货物",
    "工程",
    "包括",
    "共计",
    "合计",
    "无",
    "暂无",
    "详见",
    "附件",
    "见附件",
    "随机",
    "抽取",
    "依法",
    "组建",
    "负责",
    "确定",
    "推荐",
    "候选",
    "金额",
    "价格",
    "报价",
    "得分",
    "排名",
    "第一",
    "第二",
    "第三",
    "名单",
    "如下",
    "分别",
    "各位",
    "以上",
    "以下",
    "联系",
    "电话",
    "地址",
    "名称",
    "宁波",
    "温州",
    "金华",
    "台州",
    "常州",
    "苏州",
    "徐州",
    "连云港",
    "淮安",
    "盐城",
    "扬州",
    "镇江",
    "泰州",
    "宿迁",
    "南京",
    "无锡",
    "成都",
    "武汉",
    "长沙",
    "广州",
    "深圳",
    "杭州",
    "合肥",
    "福州",
    "厦门",
    "南昌",
    "济南",
    "青岛",
    "郑州",
    "石家庄",
    "太原",
    "沈阳",
    "大连",
    "长春",
    "哈尔滨",
    "昆明",
    "贵阳",
    "兰州",
    "西宁",
    "银川",
    "乌鲁木齐",
    "拉萨",
    "呼和浩特",
    "南宁",
    "海口",
    "柳州",
    "桂林",
];

/// Whether `c` is a CJK unified ideograph (a Han character).
pub fn is_cjk(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c)
}

/// Whether `token` (only CJK characters) looks like a person's name.
pub fn is_name(token: &str) -> bool {
    let n = token.chars().count();
    if !(2..=4).contains(&n) || !token.chars().all(is_cjk) {
        return false;
    }
    if NOT_NAMES
        .iter()
        .any(|w| token.starts_with(w) || token.ends_with(w) && w.chars().count() >= 2)
    {
        return false;
    }
    if COMPOUND.iter().any(|s| token.starts_with(s)) {
        return n >= 3;
    }
    token.chars().next().is_some_and(|c| SINGLE.contains(c))
}

/// Splits `text` into name-like tokens: runs of CJK characters separated by
/// list punctuation, whitespace, or role notes in brackets
/// (`王五（采购人代表）`). Returns the names found, in order, stopping at
/// the first sentence-ending punctuation.
pub fn names_in(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut token = String::new();
    let mut depth = 0u32;
    let flush = |token: &mut String, names: &mut Vec<String>| {
        if is_name(token) {
            names.push(std::mem::take(token));
        } else {
            token.clear();
        }
    };
    for c in text.chars() {
        match c {
            '(' | '（' | '[' | '【' => {
                flush(&mut token, &mut names);
                depth += 1;
            }
            ')' | '）' | ']' | '】' => depth = depth.saturating_sub(1),
            _ if depth > 0 => {}
            '。' | '!' | '?' | '！' | '？' => {
                flush(&mut token, &mut names);
                break;
            }
            c if is_cjk(c) => token.push(c),
            _ => flush(&mut token, &mut names),
        }
    }
    flush(&mut token, &mut names);
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_of_names() {
        assert_eq!(
            names_in("张三、李四、欧阳明华，王五（采购人代表）"),
            vec!["张三", "李四", "欧阳明华", "王五"]
        );
        assert_eq!(names_in("张三 李四\t赵六"), vec!["张三", "李四", "赵六"]);
    }

    #[test]
    fn sentences_are_not_names() {
        assert!(names_in("由采购人代表和评审专家组成").is_empty());
        assert!(names_in("从政府采购评审专家库中随机抽取").is_empty());
        assert!(!is_name("高级工程师"));
        assert!(!is_name("方式"));
    }
}

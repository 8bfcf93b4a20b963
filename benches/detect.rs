//! Detect-step throughput on already-extracted Chinese text, compared with
//! a bare aho-corasick pass over the same text with the same dictionary
//! (the anchor the issue sets: ~127 MB/s contiguous NFA on this machine).
//!
//! Terms are 4–7 characters drawn from the same distribution as the text
//! (dictionary terms for secrets are mostly words of four or more
//! characters: 国家秘密, 涉密项目, 内部资料).
//!
//! Run: `cargo bench --bench detect`. Dictionary build times for 1,000,
//! 5,000 and 100,000 terms are printed before the measurements.

// A benchmark may stop on a broken setup.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::time::Instant;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use pubgate::engine::Engine;
use pubgate::model::{Document, Format, PartKind};
use pubgate::operator_files::{Source, Sources};

/// Common CJK characters, for text and terms.
const CHARS: &str = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严龙飞";

struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as usize
    }
}

/// The 600 most common characters (in frequency order) and a tail of 2,400
/// rarer ones; `zipf` draws them with Zipf frequencies (rank r ∝ 1/r), as
/// in real Chinese text, `uniform` draws the 600 evenly (a harder case for
/// a compact alphabet: every character is equally likely).
fn alphabet() -> Vec<char> {
    let mut chars: Vec<char> = CHARS.chars().collect();
    let common: std::collections::HashSet<char> = chars.iter().copied().collect();
    let mut u = 0x4E00u32;
    while chars.len() < 3000 {
        if let Some(c) = char::from_u32(u)
            && !common.contains(&c)
        {
            chars.push(c);
        }
        u += 7;
    }
    chars
}

struct Draw {
    chars: Vec<char>,
    cumulative: Vec<f64>,
}

impl Draw {
    fn uniform() -> Draw {
        let chars: Vec<char> = CHARS.chars().collect();
        let cumulative = (1..=chars.len())
            .map(|i| i as f64 / chars.len() as f64)
            .collect();
        Draw { chars, cumulative }
    }
    fn zipf() -> Draw {
        let chars = alphabet();
        let weights: Vec<f64> = (1..=chars.len()).map(|r| 1.0 / r as f64).collect();
        let total: f64 = weights.iter().sum();
        let mut acc = 0.0;
        let cumulative = weights
            .iter()
            .map(|w| {
                acc += w / total;
                acc
            })
            .collect();
        Draw { chars, cumulative }
    }
    fn pick(&self, rng: &mut Lcg) -> char {
        let x = (rng.next() % 1_000_000) as f64 / 1_000_000.0;
        let i = self
            .cumulative
            .partition_point(|c| *c < x)
            .min(self.chars.len() - 1);
        self.chars[i]
    }
}

fn corpus(bytes: usize, draw: &Draw) -> String {
    let mut rng = Lcg(42);
    let mut s = String::with_capacity(bytes + 64);
    while s.len() < bytes {
        for _ in 0..(8 + rng.next() % 30) {
            s.push(draw.pick(&mut rng));
        }
        match rng.next() % 10 {
            0 => s.push_str(&format!("，电话0531-8{:07}", rng.next() % 10_000_000)),
            1 => s.push_str(&format!("，金额{}元", rng.next() % 1_000_000)),
            2 => s.push_str("。\n"),
            _ => s.push('，'),
        }
    }
    s
}

fn terms(n: usize, seed: u64, draw: &Draw) -> Vec<String> {
    let mut rng = Lcg(seed);
    (0..n)
        .map(|_| {
            (0..(4 + rng.next() % 4))
                .map(|_| draw.pick(&mut rng))
                .collect()
        })
        .collect()
}

fn engine_with(terms: &[String]) -> Engine {
    let mut sources = Sources::embedded();
    let mut text =
        String::from("#! category = classified\n#! explanation = bench\n#! enforces = bench\n");
    for t in terms {
        text.push_str(t);
        text.push('\n');
    }
    sources.lists.push(Source {
        name: "bench/bench_terms.txt".into(),
        text,
    });
    Engine::build(&sources).expect("bench engine builds")
}

fn document(text: &str) -> Document {
    let mut doc = Document::new(Format::Text);
    doc.push("body", PartKind::Content, text.to_string());
    doc
}

fn bench(c: &mut Criterion) {
    for (name, draw) in [("zipf", Draw::zipf()), ("uniform", Draw::uniform())] {
        let text = corpus(4 << 20, &draw);
        let mut engines = Vec::new();
        for n in [1_000usize, 5_000, 100_000] {
            let t = terms(n, n as u64, &draw);
            let started = Instant::now();
            let engine = engine_with(&t);
            eprintln!(
                "{name}: dictionary {n:>6} terms: engine build {:>7.1} ms ({} patterns)",
                started.elapsed().as_secs_f64() * 1e3,
                engine.pattern_count()
            );
            engines.push((n, t, engine));
        }
        let mut g = c.benchmark_group(format!("detect_4MiB_{name}"));
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.sample_size(10);
        let (_, t5k, _) = &engines[1];
        let bare: AhoCorasick = AhoCorasickBuilder::new()
            .kind(Some(AhoCorasickKind::ContiguousNFA))
            .match_kind(MatchKind::LeftmostLongest)
            .build(t5k)
            .expect("automaton");
        g.bench_function("bare_aho_corasick_5k_terms", |b| {
            b.iter(|| bare.find_iter(&text).count())
        });
        for (n, _, engine) in &engines {
            g.bench_function(format!("engine_detect_{n}_terms_all_detectors"), |b| {
                // Copying the text into a Document is setup, not detection.
                b.iter_batched(
                    || document(&text),
                    |doc| engine.scan_document(doc, None).verdict.findings.len(),
                    BatchSize::LargeInput,
                )
            });
        }
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! `deploy/` as far as this machine can check it without a container
//! engine or a cluster: every file parses, the Kubernetes manifests carry
//! what a production rollout needs (probes, limits, non-root, read-only
//! root filesystem, PDB, HPA, an Indexed Job), they refer to each other
//! consistently, the shipped configs load as pubgate configs, the
//! ConfigMaps hold the repository's policies and dictionaries verbatim,
//! and the image builds with the README's build command.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use yaml_rust2::{Yaml, YamlLoader};

fn read(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn yaml_docs(path: &str) -> Vec<Yaml> {
    YamlLoader::load_from_str(&read(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn s<'a>(y: &'a Yaml, what: &str) -> &'a str {
    y.as_str()
        .unwrap_or_else(|| panic!("{what} is missing or not a string"))
}

/// Every Kubernetes object under deploy/k8s, by `Kind/name`.
fn manifests() -> HashMap<String, Yaml> {
    let mut out = HashMap::new();
    for entry in std::fs::read_dir("deploy/k8s").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml") {
            for doc in yaml_docs(path.to_str().unwrap()) {
                if doc["kind"].as_str() == Some("Kustomization") {
                    continue;
                }
                let key = format!(
                    "{}/{}",
                    s(&doc["kind"], "kind"),
                    s(&doc["metadata"]["name"], "metadata.name")
                );
                assert!(out.insert(key.clone(), doc).is_none(), "{key} twice");
            }
        }
    }
    out
}

/// Applies YAML merge keys (`<<: *anchor`), which compose files use and
/// the YAML 1.2 loader leaves as ordinary keys: the mapping's own keys win.
fn merged(y: &Yaml) -> Yaml {
    match y {
        Yaml::Hash(h) => {
            let mut out = yaml_rust2::yaml::Hash::new();
            if let Some(base) = h.get(&Yaml::String("<<".into()))
                && let Yaml::Hash(b) = merged(base)
            {
                out.extend(b);
            }
            for (k, v) in h {
                if k.as_str() != Some("<<") {
                    out.insert(k.clone(), merged(v));
                }
            }
            Yaml::Hash(out)
        }
        Yaml::Array(a) => Yaml::Array(a.iter().map(merged).collect()),
        other => other.clone(),
    }
}

/// A serve config as the gateway would load it (parse and validate).
fn loads_as_serve_config(path: &Path) {
    pubgate::serve::config::ServeConfig::load(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

#[test]
fn every_deploy_file_parses() {
    let mut yaml = Vec::new();
    for entry in walkdir::WalkDir::new("deploy") {
        let entry = entry.unwrap();
        let path = entry.path().to_str().unwrap().to_string();
        if path.ends_with(".yaml") || path.ends_with(".yml") {
            assert!(!yaml_docs(&path).is_empty(), "{path} is empty");
            yaml.push(path);
        } else if path.ends_with(".json") {
            serde_json::from_str::<serde_json::Value>(&read(&path))
                .unwrap_or_else(|e| panic!("{path}: {e}"));
        }
    }
    assert!(yaml.len() >= 10, "{yaml:?}");
    for config in [
        "deploy/pubgate.example.toml",
        "deploy/container/pubgate.toml",
        "deploy/compose/pubgate.toml",
        // A profile is a set of tables to merge into a config; it loads on
        // its own too.
        "deploy/profiles/wordpress.toml",
        "deploy/profiles/drupal.toml",
    ] {
        loads_as_serve_config(Path::new(config));
    }
}

#[test]
fn kustomization_lists_every_manifest() {
    let k = &yaml_docs("deploy/k8s/kustomization.yaml")[0];
    let listed: BTreeSet<&str> = k["resources"]
        .as_vec()
        .unwrap()
        .iter()
        .map(|r| s(r, "resource"))
        .collect();
    let present: BTreeSet<String> = std::fs::read_dir("deploy/k8s")
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml") && n != "kustomization.yaml")
        .collect();
    let present: BTreeSet<&str> = present.iter().map(String::as_str).collect();
    assert_eq!(listed, present);
}

/// The gateway Deployment and its one container.
fn gateway() -> (Yaml, Yaml) {
    let all = manifests();
    let d = all
        .get("Deployment/pubgate")
        .expect("Deployment/pubgate")
        .clone();
    let c = d["spec"]["template"]["spec"]["containers"][0].clone();
    (d, c)
}

fn assert_locked_down(pod: &Yaml, container: &Yaml, what: &str) {
    let psc = &pod["securityContext"];
    assert_eq!(psc["runAsNonRoot"].as_bool(), Some(true), "{what}");
    assert!(
        psc["runAsUser"].as_i64().unwrap_or(0) > 0,
        "{what}: runAsUser"
    );
    assert_eq!(
        psc["seccompProfile"]["type"].as_str(),
        Some("RuntimeDefault"),
        "{what}"
    );
    let csc = &container["securityContext"];
    assert_eq!(
        csc["readOnlyRootFilesystem"].as_bool(),
        Some(true),
        "{what}"
    );
    assert_eq!(
        csc["allowPrivilegeEscalation"].as_bool(),
        Some(false),
        "{what}"
    );
    assert_eq!(
        csc["capabilities"]["drop"][0].as_str(),
        Some("ALL"),
        "{what}"
    );
    for kind in ["requests", "limits"] {
        for r in ["cpu", "memory"] {
            assert!(
                !container["resources"][kind][r].is_badvalue(),
                "{what}: resources.{kind}.{r}"
            );
        }
    }
    assert_eq!(
        pod["automountServiceAccountToken"].as_bool(),
        Some(false),
        "{what}"
    );
}

#[test]
fn the_deployment_is_ready_for_production() {
    let (d, c) = gateway();
    let pod = &d["spec"]["template"]["spec"];
    assert!(d["spec"]["replicas"].as_i64().unwrap() >= 2);
    assert_locked_down(pod, &c, "gateway");
    let ports: HashMap<&str, i64> = c["ports"]
        .as_vec()
        .unwrap()
        .iter()
        .map(|p| {
            (
                s(&p["name"], "port name"),
                p["containerPort"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(ports.get("proxy"), Some(&8080));
    assert_eq!(ports.get("admin"), Some(&9090));
    for (probe, path) in [
        ("readinessProbe", "/readyz"),
        ("livenessProbe", "/healthz"),
        ("startupProbe", "/healthz"),
    ] {
        assert_eq!(c[probe]["httpGet"]["path"].as_str(), Some(path), "{probe}");
        assert_eq!(
            c[probe]["httpGet"]["port"].as_str(),
            Some("admin"),
            "{probe}"
        );
    }
    // Labels: the selector picks the pods, and the Services, PDB pick the same.
    let labels = &d["spec"]["template"]["metadata"]["labels"];
    let selected = |sel: &Yaml| {
        sel.as_hash()
            .unwrap()
            .iter()
            .all(|(k, v)| labels[s(k, "label")] == *v)
    };
    assert!(selected(&d["spec"]["selector"]["matchLabels"]));
    let all = manifests();
    let mut service_ports = BTreeSet::new();
    for (key, m) in &all {
        if key.starts_with("Service/") {
            assert!(
                selected(&m["spec"]["selector"]),
                "{key} selects no gateway pod"
            );
            for p in m["spec"]["ports"].as_vec().unwrap() {
                service_ports.insert(s(&p["targetPort"], "targetPort").to_string());
            }
        }
    }
    assert_eq!(
        service_ports,
        BTreeSet::from(["admin".to_string(), "proxy".to_string()])
    );
    let pdb = &all["PodDisruptionBudget/pubgate"];
    assert!(selected(&pdb["spec"]["selector"]["matchLabels"]));
    assert!(
        pdb["spec"]["minAvailable"].as_i64().unwrap() < d["spec"]["replicas"].as_i64().unwrap()
    );
    let hpa = &all["HorizontalPodAutoscaler/pubgate"];
    assert_eq!(
        hpa["spec"]["scaleTargetRef"]["kind"].as_str(),
        Some("Deployment")
    );
    assert_eq!(
        hpa["spec"]["scaleTargetRef"]["name"].as_str(),
        Some("pubgate")
    );
    assert!(hpa["spec"]["minReplicas"].as_i64().unwrap() >= 2);
    assert!(hpa["spec"]["maxReplicas"].as_i64() > hpa["spec"]["minReplicas"].as_i64());

    // Volumes: every ConfigMap it mounts exists; policies and dictionaries
    // are mounted where the config points.
    for v in pod["volumes"].as_vec().unwrap() {
        if let Some(name) = v["configMap"]["name"].as_str() {
            assert!(all.contains_key(&format!("ConfigMap/{name}")), "{name}");
        }
    }
    let mounts: BTreeSet<&str> = c["volumeMounts"]
        .as_vec()
        .unwrap()
        .iter()
        .map(|m| s(&m["mountPath"], "mountPath"))
        .collect();
    for path in ["/etc/pubgate/policies", "/etc/pubgate/dictionaries", "/tmp"] {
        assert!(mounts.contains(path), "{path} not mounted");
    }
    // The config in the ConfigMap loads, and the pod's grace period covers
    // the gateway's own shutdown grace.
    let toml_text = s(
        &all["ConfigMap/pubgate-config"]["data"]["pubgate.toml"],
        "pubgate.toml",
    );
    let dir = crate::util::TempDir::new();
    let config = dir.write("pubgate.toml", toml_text.as_bytes());
    let parsed = pubgate::serve::config::ServeConfig::load(&config).unwrap();
    assert_eq!(
        parsed.dictionaries.as_deref(),
        Some(Path::new("/etc/pubgate/dictionaries"))
    );
    assert!(
        pod["terminationGracePeriodSeconds"].as_i64().unwrap()
            > parsed.limits.shutdown_grace_secs as i64 + 5
    );
    // Secrets come from a Secret; the replica is named after its pod.
    let env: HashMap<&str, &Yaml> = c["env"]
        .as_vec()
        .unwrap()
        .iter()
        .map(|e| (s(&e["name"], "env name"), e))
        .collect();
    for secret in ["PUBGATE_STORE", "PUBGATE_AUDIT_KEY", "PUBGATE_STORE_KEY"] {
        assert!(
            !env[secret]["valueFrom"]["secretKeyRef"]["name"].is_badvalue(),
            "{secret} must come from a Secret"
        );
    }
    assert_eq!(
        env["PUBGATE_REPLICA"]["valueFrom"]["fieldRef"]["fieldPath"].as_str(),
        Some("metadata.name")
    );
}

#[test]
fn the_rescan_job_is_indexed_and_sharded() {
    let all = manifests();
    let job = &all["Job/pubgate-rescan"];
    let spec = &job["spec"];
    assert_eq!(spec["completionMode"].as_str(), Some("Indexed"));
    let pod = &spec["template"]["spec"];
    let c = &pod["containers"][0];
    assert_locked_down(pod, c, "rescan job");
    assert_eq!(pod["restartPolicy"].as_str(), Some("Never"));
    let args: Vec<&str> = c["args"]
        .as_vec()
        .unwrap()
        .iter()
        .map(|a| s(a, "arg"))
        .collect();
    assert_eq!(args[0], "scan");
    let after = |flag: &str| {
        args.iter()
            .position(|a| *a == flag)
            .map(|i| args[i + 1])
            .unwrap_or_else(|| panic!("{flag} missing"))
    };
    let shards: i64 = after("--shard-count").parse().unwrap();
    assert_eq!(spec["completions"].as_i64(), Some(shards));
    assert_eq!(spec["parallelism"].as_i64(), Some(shards));
    assert_eq!(after("--store"), "$(PUBGATE_STORE)");
    assert!(
        args.contains(&"--exit-zero"),
        "findings are results, not failures"
    );
    // The job's flags are the CLI's: clap accepts them.
    let out = crate::util::run(&[args.as_slice(), &["--help"]].concat(), None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_configmaps_hold_the_repository_files_verbatim() {
    let all = manifests();
    for (name, folder) in [
        ("pubgate-policies", "policies"),
        ("pubgate-dictionaries", "dictionaries"),
    ] {
        let data = all[&format!("ConfigMap/{name}")]["data"]
            .as_hash()
            .unwrap()
            .clone();
        let files: BTreeSet<String> = std::fs::read_dir(folder)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| folder != "policies" || n.ends_with(".toml"))
            .collect();
        let keys: BTreeSet<String> = data.keys().map(|k| s(k, "key").to_string()).collect();
        assert_eq!(keys, files, "{name}: run deploy/k8s/make-configmaps.py");
        for (k, v) in &data {
            let file = read(&format!("{folder}/{}", s(k, "key")));
            assert!(
                s(v, "value") == file,
                "{name}/{}: differs from {folder}/ — run deploy/k8s/make-configmaps.py",
                s(k, "key")
            );
        }
    }
}

#[test]
fn compose_runs_two_replicas_with_postgres_prometheus_and_grafana() {
    let compose = &merged(&yaml_docs("deploy/compose.yaml")[0]);
    let services = compose["services"].as_hash().unwrap();
    let names: BTreeSet<&str> = services.keys().map(|k| s(k, "service")).collect();
    for want in [
        "gateway-1",
        "gateway-2",
        "postgres",
        "prometheus",
        "grafana",
    ] {
        assert!(names.contains(want), "{want} missing: {names:?}");
    }
    for gw in ["gateway-1", "gateway-2"] {
        let g = &compose["services"][gw];
        // `<<: *gateway` merges the shared settings.
        assert_eq!(
            g["build"]["dockerfile"].as_str(),
            Some("deploy/Dockerfile"),
            "{gw}"
        );
        assert_eq!(g["read_only"].as_bool(), Some(true), "{gw}");
        assert_eq!(
            g["environment"]["PUBGATE_REPLICA"].as_str(),
            Some(gw),
            "{gw}"
        );
        assert!(
            s(&g["environment"]["PUBGATE_STORE"], "PUBGATE_STORE").contains("@postgres:5432/"),
            "{gw}"
        );
    }
    let prom = &yaml_docs("deploy/compose/prometheus.yml")[0];
    let job = &prom["scrape_configs"][0];
    assert_eq!(job["metrics_path"].as_str(), Some("/metrics"));
    let targets: BTreeSet<&str> = job["static_configs"][0]["targets"]
        .as_vec()
        .unwrap()
        .iter()
        .map(|t| s(t, "target"))
        .collect();
    assert_eq!(
        targets,
        BTreeSet::from(["gateway-1:9090", "gateway-2:9090"])
    );

    // Every metric the dashboard plots is one the gateway exports.
    let exported = read("src/metrics.rs");
    let dashboard: serde_json::Value =
        serde_json::from_str(&read("deploy/grafana/pubgate-dashboard.json")).unwrap();
    let metric = regex::Regex::new(r"pubgate_[a-z_]+").unwrap();
    let mut plotted = 0;
    for panel in dashboard["panels"].as_array().unwrap() {
        for target in panel["targets"].as_array().unwrap() {
            for m in metric.find_iter(target["expr"].as_str().unwrap()) {
                let name = m
                    .as_str()
                    .trim_end_matches("_bucket")
                    .trim_end_matches("_count")
                    .trim_end_matches("_sum");
                assert!(
                    exported.contains(&format!("\"{name}\"")),
                    "dashboard plots {name}, which the gateway does not export"
                );
                plotted += 1;
            }
        }
    }
    assert!(plotted >= 10);
}

#[test]
fn the_image_builds_like_a_local_build_and_runs_as_non_root() {
    let dockerfile = read("deploy/Dockerfile");
    let stages: Vec<&str> = dockerfile
        .lines()
        .filter(|l| l.starts_with("FROM "))
        .collect();
    assert!(stages.len() >= 2, "multi-stage: {stages:?}");
    let runtime = dockerfile.rsplit("\nFROM ").next().unwrap();
    let user = runtime
        .lines()
        .find_map(|l| l.strip_prefix("USER "))
        .expect("the runtime stage sets USER");
    assert!(
        !["root", "0", "0:0"].contains(&user.trim()),
        "runs as {user}"
    );
    // The build step is the README's local build command.
    let readme = read("README.md");
    let build = "cargo build --release --locked";
    assert!(dockerfile.contains(build));
    assert!(
        readme.contains(build),
        "README shows the image's build command"
    );
    for needed in ["policies", "dictionaries", "EXPOSE 8080 9090"] {
        assert!(dockerfile.contains(needed), "{needed}");
    }
    let dockerignore = read(".dockerignore");
    assert!(dockerignore.lines().any(|l| l.trim() == "target/"));
}

#[test]
fn the_systemd_unit_is_hardened() {
    let unit = read("deploy/systemd/pubgate.service");
    for section in ["[Unit]", "[Service]", "[Install]"] {
        assert!(unit.contains(section), "{section}");
    }
    let get = |key: &str| {
        unit.lines()
            .find_map(|l| l.strip_prefix(&format!("{key}=")))
            .unwrap_or_else(|| panic!("{key} missing"))
    };
    assert!(get("ExecStart").contains("pubgate serve --config"));
    assert!(get("ExecReload").contains("-HUP"));
    assert_ne!(get("User"), "root");
    assert_eq!(get("NoNewPrivileges"), "yes");
    assert_eq!(get("ProtectSystem"), "strict");
    // Stop waits longer than the gateway's own shutdown grace (30 s).
    let stop: u64 = get("TimeoutStopSec").trim_end_matches('s').parse().unwrap();
    assert!(stop > 30);
}

/// The Drupal profile has no real Drupal behind it in CI: at least its rules
/// must recognise the requests its comments name, and leave drafts alone.
#[test]
fn the_drupal_profile_recognises_its_publish_requests() {
    use http::Method;
    use pubgate::gateway::publish::{PublishRules, RequestView};
    let config: pubgate::serve::config::ServeConfig =
        toml::from_str(&read("deploy/profiles/drupal.toml")).unwrap();
    let rules = PublishRules::new(&config.publish);
    let form = "application/x-www-form-urlencoded";
    let json = "application/json";
    let cases: &[(Method, &str, &str, &str, Option<&str>)] = &[
        (
            Method::POST,
            "/node/add/article",
            form,
            "title%5B0%5D%5Bvalue%5D=x&status%5Bvalue%5D=1",
            Some("drupal-node-add"),
        ),
        (
            Method::POST,
            "/node/add/article",
            form,
            "title%5B0%5D%5Bvalue%5D=x&status%5Bvalue%5D=0",
            None,
        ),
        (
            Method::POST,
            "/node/7/edit",
            form,
            "moderation_state%5B0%5D%5Bstate%5D=published",
            Some("drupal-node-edit"),
        ),
        (
            Method::POST,
            "/node/7/latest",
            form,
            "new_state=published&op=Apply",
            Some("drupal-moderation-control"),
        ),
        (
            Method::POST,
            "/node/7/latest",
            form,
            "new_state=draft",
            None,
        ),
        (
            Method::PATCH,
            "/node/7",
            json,
            r#"{"status":[{"value":true}]}"#,
            Some("drupal-rest-update"),
        ),
        (
            Method::PATCH,
            "/jsonapi/node/article/0b5c",
            json,
            r#"{"data":{"attributes":{"status":true}}}"#,
            Some("drupal-jsonapi-update"),
        ),
        (
            Method::PATCH,
            "/jsonapi/node/article/0b5c",
            json,
            r#"{"data":{"attributes":{"status":false}}}"#,
            None,
        ),
    ];
    for (method, path, content_type, body, want) in cases {
        let view = RequestView {
            path,
            query: None,
            content_type: Some(content_type),
            body: Some(body.as_bytes()),
        };
        let got = rules
            .route(method, path, None, true)
            .filter(|(_, rule)| rule.publishes(&view))
            .map(|(matched, _)| matched.name);
        assert_eq!(got.as_deref(), *want, "{method} {path} {body}");
    }
}

//! The words of the templates ("Applies to", "Step", language names), per locale.
//!
//! Built-in defaults exist for English and Japanese; `content/ui.yaml` overrides any string for any
//! locale ([`UiOverrides`]), and a locale with neither falls back to English. [`UiStrings`] is the
//! resolved set for one locale, handed to templates and renderers.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;

/// Overrides of UI strings for one locale, as written in `content/ui.yaml`.
pub type UiOverrides = BTreeMap<UiKey, String>;

macro_rules! ui_keys {
    ($( $(#[doc = $doc:literal])* $variant:ident = $name:literal : $en:literal, $ja:literal; )*) => {
        /// The name of one UI string.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Deserialize, JsonSchema)]
        pub enum UiKey {
            $( $(#[doc = $doc])* #[serde(rename = $name)] $variant, )*
        }

        impl UiKey {
            /// Every key, in declaration order.
            pub const ALL: &'static [UiKey] = &[$(UiKey::$variant),*];

            /// The key as written in `ui.yaml` (kebab-case).
            pub fn name(self) -> &'static str {
                match self { $(UiKey::$variant => $name,)* }
            }

            /// The built-in text in `locale`, English for locales without built-in strings.
            pub fn default_text(self, locale: &str) -> &'static str {
                let japanese = locale == "ja" || locale.starts_with("ja-");
                match self { $(UiKey::$variant => if japanese { $ja } else { $en },)* }
            }
        }
    };
}

ui_keys! {
    /// The locale's name in itself, shown in the language switcher.
    LanguageName = "language-name": "English", "日本語";
    /// Label of the product list of a procedure.
    AppliesTo = "applies-to": "Applies to", "適用対象";
    /// "Step", before a step number.
    Step = "step": "Step", "手順";
    /// Heading of a procedure's steps.
    Steps = "steps": "Steps", "手順";
    /// Tooltip of a link whose target is missing (a tolerated `check` finding), shown as text.
    UnresolvedLink = "unresolved-link": "This link's page or file is missing", "このリンクのページまたはファイルがありません";
    /// Name of a printable checklist.
    Checklist = "checklist": "Checklist", "チェックリスト";
    /// Link to the next page.
    Next = "next": "Next", "次へ";
    /// Link to the previous page.
    Previous = "previous": "Previous", "前へ";
    /// Heading of the navigation.
    Contents = "contents": "Contents", "目次";
    /// The sidebar's link to the page listing the whole table of contents, and that page's title.
    AllContents = "all-contents": "All contents", "目次全体";
    /// Name of the button that folds or unfolds the entries under an entry of the contents.
    ContentsToggle = "contents-toggle": "Entries under {title}", "「{title}」の項目";
    /// Navigation group of procedures.
    Procedures = "procedures": "Procedures", "手順書";
    /// Navigation group of pages.
    Pages = "pages": "Pages", "ページ";
    /// Title of the escalation categories page.
    Categories = "categories": "Escalation categories", "エスカレーション カテゴリ";
    /// Label of a category's contact.
    EscalateTo = "escalate-to": "Escalate to", "エスカレーション先";
    /// Label of the categories of an escalation step.
    EscalateWhen = "escalate-when": "Escalate when the problem is one of", "次のいずれかに該当する場合にエスカレーションします";
    /// Label of what an escalation step submits.
    WhatToSubmit = "what-to-submit": "What to submit", "提出する内容";
    /// Label of a category's severity.
    SeverityLabel = "severity": "Severity", "重大度";
    /// Severity name.
    SeverityCritical = "severity-critical": "Critical", "緊急";
    /// Severity name.
    SeverityHigh = "severity-high": "High", "高";
    /// Severity name.
    SeverityModerate = "severity-moderate": "Moderate", "中";
    /// Severity name.
    SeverityLow = "severity-low": "Low", "低";
    /// Label of a category's examples.
    Examples = "examples": "Examples", "例";
    /// Label of a note.
    Note = "note": "Note", "注";
    /// Label of a warning.
    Warning = "warning": "Warning", "警告";
    /// Where a step or branch leads: `{n}` is the step number, `{title}` its title.
    GoToStep = "go-to-step": "Go to step {n}: {title}", "手順 {n}「{title}」へ進みます";
    /// Where a branch leads to another procedure: `{title}` is its title.
    GoToProcedure = "go-to-procedure": "Continue with {title}", "「{title}」に進みます";
    /// The end of a procedure.
    End = "end": "This is the end of the procedure.", "これで手順は終了です。";
    /// Notice on a page shown in the source locale: `{language}` is the source language's name.
    Untranslated = "untranslated": "This text has not been translated yet; it is shown in {language}.", "この内容はまだ翻訳されていないため、原文のまま表示しています。";
    /// Heading of the page shown for an address that has none.
    NotFound = "not-found": "Page not found", "ページが見つかりません";
    /// What the page for an address that has none says.
    NotFoundText = "not-found-text": "There is no page at this address. It may have moved or been renamed: search the guide, or start again from the home page.", "このアドレスにはページがありません。移動したか、名前が変わった可能性があります。ガイドを検索するか、ホーム ページからお探しください。";
    /// Link to the home page from the page for an address that has none.
    GoHome = "go-home": "Go to the home page", "ホーム ページへ移動";
    /// When a page was last changed: `{date}` is the date, written the locale's way.
    LastUpdated = "last-updated": "Last updated: {date}", "最終更新日: {date}";
    /// Link that skips the navigation.
    SkipToContent = "skip-to-content": "Skip to content", "本文へスキップ";
    /// Label of the search box.
    Search = "search": "Search", "検索";
    /// Search status: `{n}` results were found.
    SearchResults = "search-results": "Results: {n}", "検索結果: {n} 件";
    /// Search status: nothing was found.
    SearchNoResults = "search-no-results": "No results", "一致する項目はありません";
    /// Search status: the index could not be loaded.
    SearchUnavailable = "search-unavailable": "Search is unavailable: its index could not be loaded", "検索インデックスを読み込めないため、検索できません";
    /// Label of the language switcher.
    Language = "language": "Language", "言語";
    /// Heading of the root page that offers the languages.
    ChooseLanguage = "choose-language": "Choose a language", "言語を選択してください";
    /// Link to a locale's home page.
    Home = "home": "Home", "ホーム";
    /// Between the items of an inline list (the products a procedure applies to).
    ListSeparator = "list-separator": ", ", "、";
    /// Link to a procedure's printable checklist.
    PrintableChecklist = "printable-checklist": "Printable checklist", "印刷用チェックリスト";
    /// Heading of the record box of a checklist.
    Record = "record": "Record", "記録";
    /// Record field: the customer.
    FieldCustomer = "field-customer": "Customer", "お客様";
    /// Record field: the ticket or support-request number.
    FieldTicket = "field-ticket": "Ticket / support request no.", "チケット / サポート リクエスト番号";
    /// Record field: the date.
    FieldDate = "field-date": "Date", "日付";
    /// Record field: the engineer.
    FieldEngineer = "field-engineer": "Engineer", "担当者";
    /// Instruction above a decision's choices.
    TickOne = "tick-one": "Tick one", "1 つ選択";
    /// Instruction above an escalation's categories.
    TickAll = "tick-all": "Tick every category that applies", "該当するカテゴリをすべて選択";
    /// A branch's destination on paper: `{n}` is the step number.
    ToStep = "to-step": "step {n}", "手順 {n}";
    /// A branch that ends the procedure, on paper.
    ToEnd = "to-end": "end", "終了";
    /// Heading of the sign-off block.
    SignOff = "sign-off": "Sign-off", "完了確認";
    /// Sign-off field: signature.
    Signature = "signature": "Signature", "署名";
    /// Footer: the content fingerprint.
    Version = "version": "Version", "版";
    /// Footer: the build date.
    Built = "built": "Built", "作成日";
    /// Footer: page numbers; `{page}` and `{pages}` are filled by the typesetter.
    PageOf = "page-of": "Page {page} of {pages}", "{page} / {pages} ページ";
    /// A cross-link on paper: `{title}` is the target's title, `{where}` its URL or section.
    SeeOnPaper = "see-on-paper": "see “{title}”, {where}", "「{title}」を参照: {where}";
    /// A section of the runbook: `{n}` is its number.
    Section = "section": "section {n}", "セクション {n}";
    /// Title of a runbook.
    Runbook = "runbook": "Runbook", "ランブック";
    /// Heading of the runbook's appendices.
    Appendices = "appendices": "Appendices", "付録";
    /// Heading of a procedure's flowchart.
    Flowchart = "flowchart": "Flowchart", "フローチャート";
    /// Link from a flowchart to its text equivalent, the list of steps.
    FlowchartAsText = "flowchart-as-text": "Read the steps as text", "手順をテキストで読む";
    /// How dates are written: `{year}`, `{month}` and `{day}` (no leading zero), `{mm}` and
    /// `{dd}` (two digits).
    DateFormat = "date-format": "{year}-{mm}-{dd}", "{year}年{month}月{day}日";
    /// Notice on a page with translations made from an earlier source text: `{language}` is the
    /// source language's name.
    NeedsReview = "needs-review": "Parts of this page were translated from an earlier version of the {language} text and may be out of date.", "このページの一部は原文の以前の版から翻訳したもので、最新の内容と異なる場合があります。";
    /// Title of the side-by-side translation review.
    Review = "review": "Translation review", "翻訳レビュー";
    /// Review: a translation made from an earlier source text.
    ReviewStale = "review-stale": "source changed since translated", "翻訳後に原文が変更されました";
    /// Review: a translation never confirmed against its source.
    ReviewUnconfirmed = "review-unconfirmed": "not yet confirmed", "未確認";
    /// Review: no translation.
    ReviewMissing = "review-missing": "not translated", "未翻訳";
    /// Heading of a procedure page's run panel.
    RunHeading = "run-heading": "Run this procedure", "この手順を実行する";
    /// Explains run mode, above its button.
    RunIntro = "run-intro": "Work through the steps here: tick each one, answer the decisions, and copy a record for the ticket. Runs are kept in this browser only.", "このページで手順を進めながら、各手順の完了や判断の回答を記録し、チケット用の記録をコピーできます。実行記録はこのブラウザーにのみ保存されます。";
    /// Button that opens the record fields of a new run.
    RunStart = "run-start": "Start a run", "実行を開始";
    /// Button that begins a run once its record fields are filled in.
    RunBegin = "run-begin": "Begin", "開始";
    /// Button that closes the record fields without starting.
    RunCancel = "run-cancel": "Cancel", "キャンセル";
    /// Heading of the list of runs kept in the browser.
    RunsSaved = "runs-saved": "Runs kept in this browser", "このブラウザーに保存された実行記録";
    /// Button that continues a kept run.
    RunResume = "run-resume": "Resume", "再開";
    /// Button that deletes one run.
    RunDelete = "run-delete": "Delete", "削除";
    /// Button that deletes every run.
    RunDeleteAll = "run-delete-all": "Delete all runs", "すべての実行記録を削除";
    /// Confirmation before deleting every run.
    RunConfirmDeleteAll = "run-confirm-delete-all": "Delete every run kept in this browser?", "このブラウザーに保存されたすべての実行記録を削除しますか?";
    /// Confirmation before deleting one run.
    RunConfirmDelete = "run-confirm-delete": "Delete this run?", "この実行記録を削除しますか?";
    /// Confirmation before deleting every run of one procedure.
    RunConfirmDeleteProcedure = "run-confirm-delete-procedure": "Delete every run of this procedure kept in this browser?", "このブラウザーに保存された、この手順の実行記録をすべて削除しますか?";
    /// Notice when a run's path no longer follows the procedure: `{n}` is the first step off it.
    RunPathBroken = "run-path-broken": "The procedure has changed: step {n} of this run no longer follows from the step before it. Go back to an earlier step to go on.", "手順が変更されたため、この実行記録の手順 {n} は直前の手順から続かなくなりました。続けるには、それより前の手順に戻ってください。";
    /// Announced when copying failed.
    RunCopyFailed = "run-copy-failed": "The browser did not allow copying. Download the JSON, or select the summary's text and copy it.", "ブラウザーでコピーが許可されませんでした。JSON をダウンロードするか、概要のテキストを選択してコピーしてください。";
    /// Announced when a run is finished.
    RunFinishedNow = "run-finished-now": "The run is finished. Its summary follows.", "実行を終了しました。概要を表示しています。";
    /// A run deleted, announced.
    RunDeleted = "run-deleted": "The run was deleted.", "実行記録を削除しました。";
    /// Button that ticks the current step done.
    RunDone = "run-done": "Mark done", "完了にする";
    /// Label of the note field of a step.
    RunNote = "run-note": "Your note", "メモ";
    /// Label of the support request number of an escalation step.
    RunRequest = "run-request": "Support request number", "サポート リクエスト番号";
    /// Button that undoes the last action.
    RunUndo = "run-undo": "Undo", "元に戻す";
    /// Button that goes back to an earlier step.
    RunBack = "run-back": "Go back to this step", "この手順に戻る";
    /// Confirmation before going back: `{n}` is the step number.
    RunConfirmBack = "run-confirm-back": "Go back to step {n}? What was recorded from that step on will be dropped.", "手順 {n} に戻りますか? その手順以降の記録は破棄されます。";
    /// Button that finishes a run.
    RunFinish = "run-finish": "Finish the run", "実行を終了";
    /// Button that copies the run as Markdown.
    RunCopyMarkdown = "run-copy-markdown": "Copy as Markdown", "Markdown としてコピー";
    /// Announced once the Markdown is copied.
    RunCopied = "run-copied": "The run was copied as Markdown.", "実行記録を Markdown としてコピーしました。";
    /// Button that downloads the run record.
    RunDownloadJson = "run-download-json": "Download JSON", "JSON をダウンロード";
    /// Button that prints the filled-in checklist.
    RunPrint = "run-print": "Print", "印刷";
    /// Button that leaves run mode, keeping the run.
    RunClose = "run-close": "Close run mode", "実行モードを閉じる";
    /// Marks the current step.
    RunCurrent = "run-current": "Current step", "現在の手順";
    /// Announced when a step becomes current: `{n}` is its number, `{title}` its title.
    RunNowAt = "run-now-at": "Now at step {n}: {title}", "現在の手順は {n}「{title}」です";
    /// Announced when the run reaches its end.
    RunAtEnd = "run-at-end": "The procedure is complete. Finish the run to see its summary.", "手順が完了しました。実行を終了すると概要が表示されます。";
    /// Marks a step off the path taken.
    RunSkipped = "run-skipped": "Skipped", "スキップ";
    /// When a step was ticked: `{time}` is the time.
    RunDoneAt = "run-done-at": "Done at {time}", "{time} 完了";
    /// The answer chosen at a decision: `{answer}` is its label.
    RunAnswer = "run-answer": "Answer: {answer}", "回答: {answer}";
    /// Notice when the procedure changed since a run began: `{steps}` lists the changed steps.
    RunChanged = "run-changed": "This procedure has changed since the run began. Changed steps: {steps}.", "この実行の開始後に手順が変更されました。変更された手順: {steps}。";
    /// After a step's name in the list of changed steps: the step was added since the run began.
    RunStepNew = "run-step-new": "(new)", "(新規)";
    /// Notice when the procedure changed since a run began but none of its steps did.
    RunChangedElsewhere = "run-changed-elsewhere": "This procedure has changed since the run began; none of its steps did.", "この実行の開始後に手順が変更されました (各手順の内容に変更はありません)。";
    /// Heading of a finished run's summary.
    RunSummary = "run-summary": "Summary", "概要";
    /// Title of a run record: `{title}` is the procedure's title.
    RunRecordTitle = "run-record-title": "{title}: run record", "{title}: 実行記録";
    /// Heading of the path a run took.
    RunPath = "run-path": "Path taken", "実施した手順";
    /// When a run began.
    RunStarted = "run-started": "Started", "開始";
    /// When a run finished.
    RunFinished = "run-finished": "Finished", "終了";
    /// How long a run took.
    RunElapsed = "run-elapsed": "Elapsed time", "所要時間";
    /// A duration in minutes: `{n}`.
    RunMinutes = "run-minutes": "{n} min", "{n} 分";
    /// The categories ticked at an escalation.
    RunCategories = "run-categories": "Categories", "カテゴリ";
    /// A run not yet finished, in the list of runs.
    RunInProgress = "run-in-progress": "in progress", "実行中";
    /// A finished run, in the list of runs.
    RunFinishedState = "run-finished-state": "finished", "終了済み";
    /// A run's age in the list: `{n}` minutes ago.
    RunAgeMinutes = "run-age-minutes": "{n} min ago", "{n} 分前";
    /// A run's age in the list: `{n}` hours ago.
    RunAgeHours = "run-age-hours": "{n} h ago", "{n} 時間前";
    /// A run's age in the list: `{n}` days ago.
    RunAgeDays = "run-age-days": "{n} days ago", "{n} 日前";
    /// A run with no record fields filled in, in the list of runs.
    RunUntitled = "run-untitled": "(no record fields)", "(記録項目なし)";
    /// Heading of the runs in progress on the home page.
    RunsInProgress = "runs-in-progress": "Runs kept in this browser", "このブラウザーに保存された実行記録";
    /// A run continued in another procedure: `{title}` is its title.
    RunContinues = "run-continues": "Continues in {title}", "「{title}」に続きます";
    /// Notice for a run kept in a format this version of the site cannot read.
    RunUnreadable = "run-unreadable": "A run kept in this browser could not be read and was left alone.", "このブラウザーに保存された実行記録を読み込めなかったため、そのままにしています。";
    /// Notice when the browser refuses to keep runs (private mode, storage full).
    RunStorageUnavailable = "run-storage-unavailable": "This browser does not let the page keep runs; a run lasts until the page is closed.", "このブラウザーでは実行記録を保存できません。実行記録はページを閉じるまでのみ保持されます。";
    /// Label of a `> [!NOTE]` alert.
    AlertNote = "alert-note": "Note", "メモ";
    /// Label of a `> [!TIP]` alert.
    AlertTip = "alert-tip": "Tip", "ヒント";
    /// Label of a `> [!IMPORTANT]` alert.
    AlertImportant = "alert-important": "Important", "重要";
    /// Label of a `> [!WARNING]` alert.
    AlertWarning = "alert-warning": "Warning", "警告";
    /// Label of a `> [!CAUTION]` alert.
    AlertCaution = "alert-caution": "Caution", "注意";
}

impl UiStrings {
    /// The labels of the five alert kinds in this locale.
    pub fn alert_labels(&self) -> crate::markup::AlertLabels {
        crate::markup::AlertLabels {
            note: self.get(UiKey::AlertNote).to_string(),
            tip: self.get(UiKey::AlertTip).to_string(),
            important: self.get(UiKey::AlertImportant).to_string(),
            warning: self.get(UiKey::AlertWarning).to_string(),
            caution: self.get(UiKey::AlertCaution).to_string(),
        }
    }
}

/// The UI strings of one locale, resolved: override, else built-in default.
#[derive(Clone, Debug)]
pub struct UiStrings {
    strings: BTreeMap<UiKey, String>,
}

impl UiStrings {
    /// Resolves the strings of `locale` with `overrides` from `ui.yaml` (all locales).
    pub fn resolve(locale: &str, overrides: &BTreeMap<String, UiOverrides>) -> Self {
        let local = overrides.get(locale);
        let strings = UiKey::ALL
            .iter()
            .map(|&key| {
                let text = local
                    .and_then(|o| o.get(&key).cloned())
                    .unwrap_or_else(|| match key {
                        UiKey::LanguageName if !has_builtin(locale) => locale.to_string(),
                        _ => key.default_text(locale).to_string(),
                    });
                (key, text)
            })
            .collect();
        Self { strings }
    }

    /// The string for `key`.
    pub fn get(&self, key: UiKey) -> &str {
        self.strings.get(&key).map_or("", String::as_str)
    }

    /// The string for `key` with `{name}` placeholders filled in.
    pub fn fill(&self, key: UiKey, values: &[(&str, &str)]) -> String {
        let mut text = self.get(key).to_string();
        for (name, value) in values {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        text
    }

    /// An ISO date (`2026-11-26`) written the locale's way (`2026年11月26日`); other text as it
    /// is.
    pub fn date(&self, iso: &str) -> String {
        let parts: Vec<&str> = iso.split('-').collect();
        let [year, mm, dd] = parts.as_slice() else {
            return iso.to_string();
        };
        let (Ok(month), Ok(day)) = (mm.parse::<u32>(), dd.parse::<u32>()) else {
            return iso.to_string();
        };
        self.fill(
            UiKey::DateFormat,
            &[
                ("year", year),
                ("mm", mm),
                ("dd", dd),
                ("month", &month.to_string()),
                ("day", &day.to_string()),
            ],
        )
    }

    /// All strings keyed by their snake_case name, for templates (`ui.applies_to`).
    pub fn for_templates(&self) -> BTreeMap<String, &str> {
        self.strings
            .iter()
            .map(|(key, text)| (key.name().replace('-', "_"), text.as_str()))
            .collect()
    }
}

fn has_builtin(locale: &str) -> bool {
    locale == "en" || locale.starts_with("en-") || locale == "ja" || locale.starts_with("ja-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_written_the_locale_s_way() {
        let none = BTreeMap::new();
        assert_eq!(
            UiStrings::resolve("ja", &none).date("2026-11-26"),
            "2026年11月26日"
        );
        assert_eq!(
            UiStrings::resolve("ja", &none).date("2026-01-05"),
            "2026年1月5日"
        );
        assert_eq!(
            UiStrings::resolve("en", &none).date("2026-01-05"),
            "2026-01-05"
        );
        assert_eq!(UiStrings::resolve("ja", &none).date("soon"), "soon");
    }

    #[test]
    fn built_in_japanese_and_overrides() {
        let none = BTreeMap::new();
        let ja = UiStrings::resolve("ja", &none);
        assert_eq!(ja.get(UiKey::AppliesTo), "適用対象");
        let overrides = BTreeMap::from([(
            "ja".to_string(),
            UiOverrides::from([(UiKey::AppliesTo, "対象製品".to_string())]),
        )]);
        let ja = UiStrings::resolve("ja", &overrides);
        assert_eq!(ja.get(UiKey::AppliesTo), "対象製品");
        assert_eq!(ja.get(UiKey::Step), "手順");
    }

    #[test]
    fn other_locales_fall_back_to_english_and_name_themselves_by_code() {
        let fr = UiStrings::resolve("fr", &BTreeMap::new());
        assert_eq!(fr.get(UiKey::AppliesTo), "Applies to");
        assert_eq!(fr.get(UiKey::LanguageName), "fr");
    }

    #[test]
    fn placeholders_are_filled() {
        let en = UiStrings::resolve("en", &BTreeMap::new());
        assert_eq!(
            en.fill(UiKey::GoToStep, &[("n", "3"), ("title", "Check")]),
            "Go to step 3: Check"
        );
    }

    #[test]
    fn unknown_keys_in_ui_yaml_are_refused() {
        let result =
            serde_saphyr::from_str::<BTreeMap<String, UiOverrides>>("ja:\n  aplies-to: x\n");
        assert!(result.is_err());
    }
}

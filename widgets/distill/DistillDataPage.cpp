#include "DistillDataPage.h"

#include "DistillWizard.h"
#include "TaskRunner.h"
#include "distill/InstructionDataCheck.h"
#include "model/ModelConfig.h"
#include "model/Tokenizer.h"

#include <QDir>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QIcon>
#include <QImageReader>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPixmap>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

namespace geolens {

namespace {

const char *const DataFolderKey = "distillWizard/dataFolder";
constexpr int SamplesShown = 3;
constexpr int ThumbnailSize = 72;
const QString CheckChannel = QStringLiteral("check");

} // namespace

DistillDataPage::DistillDataPage(DistillWizard *wizard)
    : DistillWizardPage(wizard), data_(new QLineEdit), images_(new QLineEdit), corpus_(new QLineEdit),
      validation_(new QLineEdit), fraction_(numberEdit(tr("Share of the entries held out for validation when "
                                                         "no validation file is given (0 to 0.5)"))),
      check_(new QPushButton(tr("Check"))), busy_(new QProgressBar), summary_(new QLabel),
      samples_(new QListWidget), runner_(new TaskRunner(this, this))
{
    setTitle(tr("Data"));
    setSubTitle(tr("The instruction conversations the student learns from, checked before going on."));
    auto *layout = new QVBoxLayout(this);
    auto *form = new QFormLayout;
    data_->setObjectName(QStringLiteral("data"));
    data_->setToolTip(tr("GeoChat/LLaVA instruction JSON: a list of conversations about one image each"));
    form->addRow(tr("Instructions:"), pathRow(data_, false, DataFolderKey, tr("JSON (*.json);;All files (*)"), this));
    images_->setObjectName(QStringLiteral("images"));
    images_->setToolTip(tr("The folder the instruction file's image paths are relative to"));
    form->addRow(tr("Images:"), pathRow(images_, true, DataFolderKey, QString(), this));
    corpus_->setObjectName(QStringLiteral("corpus"));
    corpus_->setToolTip(tr("Optional plain text or .jsonl for the pretraining loss L_PT"));
    form->addRow(tr("Corpus (optional):"),
                 pathRow(corpus_, false, DataFolderKey, tr("Text (*.txt *.jsonl);;All files (*)"), this));
    validation_->setObjectName(QStringLiteral("validation"));
    validation_->setToolTip(tr("Optional instruction JSON used for validation instead of a share of the training file"));
    form->addRow(tr("Validation file (optional):"),
                 pathRow(validation_, false, DataFolderKey, tr("JSON (*.json);;All files (*)"), this));
    fraction_->setObjectName(QStringLiteral("validationFraction"));
    addNumber(fraction_, tr("The validation fraction"));
    form->addRow(tr("Validation fraction:"), fraction_);
    layout->addLayout(form);

    auto *checkRow = new QHBoxLayout;
    check_->setObjectName(QStringLiteral("check"));
    check_->setToolTip(tr("Loads the data as a run would and reports what it found"));
    checkRow->addWidget(check_);
    busy_->setRange(0, 0);
    busy_->setMaximumWidth(160);
    busy_->hide();
    checkRow->addWidget(busy_);
    checkRow->addStretch(1);
    layout->addLayout(checkRow);
    summary_->setObjectName(QStringLiteral("summary"));
    summary_->setWordWrap(true);
    summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    summary_->setText(tr("Press Check to load the data."));
    layout->addWidget(summary_);
    samples_->setObjectName(QStringLiteral("samples"));
    samples_->setIconSize(QSize(ThumbnailSize, ThumbnailSize));
    samples_->setWordWrap(true);
    samples_->setToolTip(tr("The first samples of the data, as the student will see them"));
    layout->addWidget(samples_, 1);
    layout->addWidget(problemLabel_);

    connect(check_, &QPushButton::clicked, this, &DistillDataPage::startCheck);
    for (QLineEdit *edit : {data_, images_, validation_, fraction_})
        connect(edit, &QLineEdit::textChanged, this, &DistillDataPage::invalidate);
}

void DistillDataPage::load(const DistillConfig &c)
{
    data_->setText(qs(c.data));
    images_->setText(qs(c.images));
    corpus_->setText(qs(c.corpus));
    validation_->setText(qs(c.validationData));
    fraction_->setText(numberText(c.validationFraction));
    invalidate();
}

void DistillDataPage::apply(DistillConfig &c) const
{
    c.data = data_->text().trimmed().toStdString();
    c.images = images_->text().trimmed().toStdString();
    c.corpus = corpus_->text().trimmed().toStdString();
    c.validationData = validation_->text().trimmed().toStdString();
    c.validationFraction = number(fraction_, c.validationFraction);
}

bool DistillDataPage::validatePage()
{
    if (!checkNumbers())
        return false;
    if (!checkOk_)
        return refuse(checkError_.isEmpty()
                          ? tr("Press Check: the data must load with at least one sample before going on.")
                          : checkError_);
    const QString corpus = corpus_->text().trimmed();
    if (!corpus.isEmpty() && !QFileInfo(corpus).isFile())
        return refuse(tr("The corpus file %1 does not exist.").arg(corpus));
    clearProblem();
    return true;
}

void DistillDataPage::startCheck()
{
    if (isChecking())
        return;
    clearProblem();
    bool ok = false;
    const double fraction = fraction_->text().trimmed().toDouble(&ok);
    if (!ok) {
        checkNumbers();
        emit wizard_->dataCheckFinished(false);
        return;
    }
    checkOk_ = false;
    emit completeChanged();
    samples_->clear();
    summary_->setText(tr("Loading %1...").arg(data_->text()));
    busy_->show();
    check_->setEnabled(false);
    started_ = ++generation_;
    runner_->runLatest(
        CheckChannel,
        [data = data_->text().trimmed().toStdString(), images = images_->text().trimmed().toStdString(),
         validation = validation_->text().trimmed().toStdString(), fraction,
         student = wizard_->config().student](const JobProgress &) {
            return checkInstructionData(data, images, validation, fraction, student);
        },
        [this](TaskOutcome, std::optional<DataCheckResult> result, const QString &error) {
            checkFinished(std::move(result), error);
        });
}

bool DistillDataPage::isChecking() const
{
    return runner_->isReading();
}

void DistillDataPage::invalidate()
{
    // A check of other files says nothing about these.
    ++generation_;
    checkOk_ = false;
    checkError_.clear();
    lengths_.clear();
    samples_->clear();
    summary_->setText(tr("Press Check to load the data."));
    emit completeChanged();
}

void DistillDataPage::checkFinished(std::optional<DataCheckResult> result, const QString &error)
{
    busy_->hide();
    check_->setEnabled(true);
    if (!result) {
        result.emplace();
        result->error = error;
    }
    const DataCheckResult &r = *result;
    if (generation_ != started_) {
        emit wizard_->dataCheckFinished(false);
        return;
    }
    QString text = r.summary;
    if (r.ok) {
        text = tr("%1 entries, %2 samples.").arg(r.entries).arg(r.samples) + QLatin1Char('\n') + r.summary;
        lengths_ = r.lengths;
        if (!r.lengthNote.isEmpty())
            text += QLatin1Char('\n') + r.lengthNote;
        else if (const std::optional<SampleFit> fit = sampleFit(wizard_->config()); fit && fit->tooLong() > 0)
            text += QLatin1Char('\n') + sampleFitText(*fit);
        clearProblem();
    } else {
        refuse(r.error);
    }
    checkError_ = r.ok ? QString() : r.error;
    summary_->setText(text);
    for (const SampleView &s : r.shown) {
        auto *item = new QListWidgetItem(s.text, samples_);
        if (!s.thumbnail.isNull())
            item->setIcon(QIcon(QPixmap::fromImage(s.thumbnail)));
    }
    checkOk_ = r.ok && r.samples > 0;
    sampleCount_ = r.samples;
    emit completeChanged();
    emit wizard_->dataCheckFinished(checkOk_);
}

std::optional<SampleFit> DistillDataPage::sampleFit(const DistillConfig &config) const
{
    if (lengths_.empty() || config.student.empty())
        return std::nullopt;
    try {
        const std::optional<int> imageSize =
            config.run.imageSize > 0 ? std::optional<int>(config.run.imageSize) : std::nullopt;
        const ModelConfig student = ModelConfig::load(config.student, imageSize);
        return SampleFit::of(config, lengths_, student.imageTokens());
    } catch (const std::exception &) {
        return std::nullopt; // the models page and the review name what is wrong with the student
    }
}

QString DistillDataPage::sampleFitText(const SampleFit &fit)
{
    if (fit.tooLong() == 0)
        return {};
    const QString need = DistillWizard::tr("the prompt, the image's %1 tokens and one answer token take up to %2 "
                                           "positions (%3 with the whole answer)")
                             .arg(fit.imageTokens)
                             .arg(fit.lengthNeeded)
                             .arg(fit.longestWithAnswer);
    const QString fix = DistillWizard::tr("Raise the maximum length (run.max_length) to at least %1 or lower the image "
                                          "size (run.image_size).")
                            .arg(fit.lengthNeeded);
    if (fit.noneFit())
        return DistillWizard::tr("None of the %1 training samples fits in the maximum length of %2: %3. %4")
            .arg(fit.samples)
            .arg(fit.maxLength)
            .arg(need, fix);
    return DistillWizard::tr("%1 of %2 training samples do not fit in the maximum length of %3 and will be skipped: "
                             "%4. %5")
        .arg(fit.tooLong())
        .arg(fit.samples)
        .arg(fit.maxLength)
        .arg(need, fix);
}

QString DistillDataPage::loadReportText(const InstructionLoadReport &report)
{
    auto reason = [](InstructionSkipReason r) {
        switch (r) {
        case InstructionSkipReason::BadEntry: return DistillWizard::tr("bad entry");
        case InstructionSkipReason::NoImage: return DistillWizard::tr("no image");
        case InstructionSkipReason::MissingImage: return DistillWizard::tr("missing image");
        case InstructionSkipReason::UnreadableImage: return DistillWizard::tr("unreadable image");
        case InstructionSkipReason::NoAssistantTurn: return DistillWizard::tr("no answer");
        case InstructionSkipReason::TurnOrder: return DistillWizard::tr("turn order");
        }
        return QString();
    };
    QString text = DistillWizard::tr("%1: %2 entries, %3 used, %4 samples")
                       .arg(QDir::toNativeSeparators(qs(report.path)))
                       .arg(report.totalEntries)
                       .arg(report.usedEntries)
                       .arg(report.samples);
    if (const std::size_t total = report.skippedTotal()) {
        QStringList counts;
        for (std::size_t r = 0; r < InstructionSkipReasonCount; ++r)
            if (report.skipped[r])
                counts << DistillWizard::tr("%1 %2").arg(report.skipped[r]).arg(reason(static_cast<InstructionSkipReason>(r)));
        text += DistillWizard::tr("; %1 skipped (%2)").arg(total).arg(counts.join(DistillWizard::tr(", ")));
    }
    if (report.unansweredQuestions)
        text += DistillWizard::tr("; %1 unanswered last questions dropped").arg(report.unansweredQuestions);
    text += DistillWizard::tr(".");
    for (const InstructionSkipExample &example : report.examples) {
        const QString entry = example.id.empty()
                                  ? DistillWizard::tr("entry %1").arg(example.entryIndex)
                                  : DistillWizard::tr("entry %1 (id \"%2\")").arg(example.entryIndex).arg(qs(example.id));
        text += QStringLiteral("\n  ") + DistillWizard::tr("%1: %2: %3.").arg(entry, reason(example.reason), qs(example.detail));
    }
    return text;
}

DistillDataPage::DataCheckResult DistillDataPage::checkInstructionData(std::string data, std::string images,
                                                                       std::string validation, double fraction,
                                                                       std::string student)
{
    InstructionLoadOptions options;
    // Reading the header only: it catches files that are not images without decoding them all.
    options.imageChecker = [](const std::string &path) -> std::string {
        // A pipe would block the read; a header may claim more pixels than any memory holds.
        if (!QFileInfo(qs(path)).isFile())
            return "it is not a regular file";
        QImageReader reader(qs(path));
        if (!reader.canRead())
            return reader.errorString().toStdString();
        const QSize size = reader.size();
        if (size.width() <= 0 || size.height() <= 0)
            return {}; // a size the header does not state
        return imageSizeProblem(std::uint64_t(size.width()), std::uint64_t(size.height()));
    };
    // The student's tokenizer measures the samples as the run will, so that the page can count
    // those that will not fit in max_length.
    DataCheckResult result;
    std::unique_ptr<Tokenizer> tokenizer;
    const QString tokenizerPath = QDir(qs(student)).filePath(QStringLiteral("tokenizer.model"));
    if (student.empty() || !QFileInfo::exists(tokenizerPath)) {
        result.lengthNote = DistillWizard::tr("The samples' lengths are measured with the student's tokenizer, and "
                                              "%1 does not exist.")
                                .arg(QDir::toNativeSeparators(tokenizerPath));
    } else {
        try {
            tokenizer = Tokenizer::load(tokenizerPath.toStdString());
        } catch (const std::exception &e) {
            result.lengthNote = QString::fromUtf8(e.what());
        }
    }
    const InstructionDataCheck check =
        InstructionDataCheck::run(data, images, validation, fraction, SamplesShown, options, tokenizer.get());

    result.summary = loadReportText(check.report);
    result.lengths = check.lengths;
    result.entries = check.entries;
    result.samples = check.samples;
    switch (check.problem) {
    case InstructionDataCheck::Problem::None:
        break;
    case InstructionDataCheck::Problem::NoDataFile:
        result.error = DistillWizard::tr("Choose the instruction JSON file.");
        return result;
    case InstructionDataCheck::Problem::NoImageFolder:
        result.error = DistillWizard::tr("Choose the folder the instruction file's image paths are relative to.");
        return result;
    case InstructionDataCheck::Problem::NoUsableEntry:
        result.error = DistillWizard::tr("%1 holds no usable entry.").arg(qs(data));
        return result;
    case InstructionDataCheck::Problem::NoUsableValidationEntry:
        result.error = DistillWizard::tr("The validation file %1 holds no usable entry:\n%2")
                           .arg(qs(validation), loadReportText(check.validationReport));
        return result;
    case InstructionDataCheck::Problem::LoadFailed:
        result.error = QString::fromUtf8(check.error.c_str());
        return result;
    }
    if (!validation.empty())
        result.summary += QLatin1Char('\n')
                          + DistillWizard::tr("Validation file: %1 entries, %2 samples.")
                                .arg(check.validationEntries)
                                .arg(check.validationSamples);
    for (const InstructionSample &s : check.firstSamples) {
        SampleView view;
        QImageReader reader(qs(s.imagePath));
        const QImage image = reader.read();
        if (!image.isNull())
            view.thumbnail = image.scaled(ThumbnailSize, ThumbnailSize, Qt::KeepAspectRatio, Qt::SmoothTransformation);
        view.text = DistillWizard::tr("Q: %1\nA: %2").arg(qs(s.question), qs(s.answer));
        result.shown.push_back(view);
    }
    result.ok = true;
    return result;
}

} // namespace geolens

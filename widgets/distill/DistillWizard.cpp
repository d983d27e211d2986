#include "DistillWizard.h"

#include "CliProgram.h"
#include "DeviceComboBox.h"
#include "GpuInventory.h"
#include "TrialRun.h"
#include "common/Json.h"
#include "distill/InstructionDataset.h"
#include "model/ModelConfig.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QFormLayout>
#include <QFutureWatcher>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QImageReader>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRadioButton>
#include <QRegularExpressionValidator>
#include <QSettings>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <climits>
#include <cmath>
#include <map>
#include <exception>
#include <optional>
#include <set>
#include <utility>
#include <vector>

namespace geolens {

namespace {

const char *const ModelFolderKey = "distillWizard/modelFolder";
const char *const DataFolderKey = "distillWizard/dataFolder";
const char *const OutputFolderKey = "distillWizard/outputFolder";
constexpr int SamplesShown = 3;
constexpr int ThumbnailSize = 72;

QString qs(const std::string &text)
{
    return QString::fromStdString(text);
}

// The shortest text that reads back as the same double, so that showing a value and reading it
// again never changes the configuration.
QString numberText(double value)
{
    return QString::number(value, 'g', QLocale::FloatingPointShortest);
}

QLineEdit *numberEdit(const QString &toolTip)
{
    auto *edit = new QLineEdit;
    edit->setToolTip(toolTip);
    edit->setMaximumWidth(120);
    return edit;
}

QSpinBox *countBox(int minimum, const QString &toolTip)
{
    auto *box = new QSpinBox;
    box->setRange(minimum, INT_MAX);
    box->setToolTip(toolTip);
    return box;
}

QCheckBox *checkBox(const QString &text, const QString &toolTip)
{
    auto *box = new QCheckBox(text);
    box->setToolTip(toolTip);
    return box;
}

// A line edit with a Browse button that starts where the user last looked for this kind of path.
QWidget *pathRow(QLineEdit *edit, bool directory, const char *settingsKey, const QString &filter, QWidget *parent)
{
    auto *row = new QWidget(parent);
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(edit, 1);
    auto *browse = new QPushButton(DistillWizard::tr("Browse..."), row);
    browse->setToolTip(DistillWizard::tr("Choose with a file dialog"));
    layout->addWidget(browse);
    QObject::connect(browse, &QPushButton::clicked, row, [=] {
        QString start = edit->text();
        if (start.isEmpty())
            start = QSettings().value(QLatin1String(settingsKey)).toString();
        const QString chosen = directory
                                   ? QFileDialog::getExistingDirectory(row, DistillWizard::tr("Choose a folder"), start)
                                   : QFileDialog::getOpenFileName(row, DistillWizard::tr("Choose a file"), start, filter);
        if (chosen.isEmpty())
            return;
        edit->setText(QDir::toNativeSeparators(chosen));
        const QFileInfo info(chosen);
        QSettings().setValue(QLatin1String(settingsKey), directory ? info.absoluteFilePath() : info.absolutePath());
    });
    return row;
}

QString layoutName(CheckpointLayout layout)
{
    switch (layout) {
    case CheckpointLayout::GeoChat: return QStringLiteral("GeoChat");
    case CheckpointLayout::LlavaHf: return QStringLiteral("llava-hf");
    case CheckpointLayout::LlavaHfNested: return QStringLiteral("llava-hf (nested)");
    }
    return {};
}

QString parameterCount(std::int64_t n)
{
    if (n >= 1000000000)
        return QString::number(n / 1e9, 'f', 2) + QStringLiteral(" B");
    if (n >= 1000000)
        return QString::number(n / 1e6, 'f', 1) + QStringLiteral(" M");
    if (n >= 1000)
        return QString::number(n / 1e3, 'f', 1) + QStringLiteral(" k");
    return QString::number(n);
}

// Bytes per weight for a dtype setting; "auto" means bf16 on a GPU and f32 on the CPU, the way
// the engine resolves it.
int bytesPerWeight(const std::string &dtype, const std::string &device)
{
    if (dtype == "f32")
        return 4;
    if (dtype == "bf16" || dtype == "f16")
        return 2;
    return device == "cpu" ? 4 : 2;
}

// "45 s", "12 min", "2 h 20 min", "3 days 4 h": a forecast needs no more precision than that.
QString durationText(double seconds)
{
    const qint64 s = std::llround(std::max(0.0, seconds));
    if (s < 90)
        return DistillWizard::tr("%1 s").arg(s);
    const qint64 minutes = (s + 30) / 60;
    if (minutes < 90)
        return DistillWizard::tr("%1 min").arg(minutes);
    if (minutes < 48 * 60)
        return DistillWizard::tr("%1 h %2 min").arg(minutes / 60).arg(minutes % 60);
    const qint64 hours = (minutes + 30) / 60;
    return DistillWizard::tr("%1 days %2 h").arg(hours / 24).arg(hours % 24);
}

QString secondsText(double seconds)
{
    if (seconds < 0.095)
        return DistillWizard::tr("%1 ms").arg(QString::number(seconds * 1000.0, 'f', seconds < 0.0095 ? 1 : 0));
    if (seconds < 9.95)
        return DistillWizard::tr("%1 s").arg(QString::number(seconds, 'f', 2));
    return DistillWizard::tr("%1 s").arg(QString::number(seconds, 'f', 1));
}

// What a trial's time per step depends on: the models and their devices, the method with its
// settings, the batch, the precision and the sizes. A measurement made with other values of these
// says little about this configuration; the other settings (learning rate, length of the run,
// intervals, ...) do not change the time of a step.
std::string timingSignature(const DistillConfig &c)
{
    DistillConfig s;
    s.teacher = c.teacher;
    s.student = c.student;
    s.data = c.data;
    s.images = c.images;
    s.corpus = c.corpus;
    s.method = c.method;
    s.terms = c.terms;
    s.minillm = c.minillm;
    s.lora = c.lora;
    s.optimiser.batchSize = c.optimiser.batchSize;
    s.optimiser.gradAccumulation = c.optimiser.gradAccumulation;
    s.run.teacherDevice = c.run.teacherDevice;
    s.run.studentDevice = c.run.studentDevice;
    s.run.dtype = c.run.dtype;
    s.run.imageSize = c.run.imageSize;
    s.run.maxLength = c.run.maxLength;
    s.run.cacheImages = c.run.cacheImages;
    return s.toJson().dump();
}

struct SampleView {
    QImage thumbnail;
    QString text;
};

struct DataCheckResult {
    bool ok = false;
    QString error;
    QString summary;
    std::size_t entries = 0;
    std::size_t samples = 0;
    QList<SampleView> shown;
};

// Runs off the GUI thread: everything it needs is passed by value.
DataCheckResult checkInstructionData(std::string data, std::string images, std::string validation, double fraction)
{
    DataCheckResult result;
    if (data.empty()) {
        result.error = DistillWizard::tr("Choose the instruction JSON file.");
        return result;
    }
    if (images.empty()) {
        result.error = DistillWizard::tr("Choose the folder the instruction file's image paths are relative to.");
        return result;
    }
    InstructionLoadOptions options;
    // Reading the header only: it catches files that are not images without decoding them all.
    options.imageChecker = [](const std::string &path) -> std::string {
        QImageReader reader(qs(path));
        return reader.canRead() ? std::string() : reader.errorString().toStdString();
    };
    try {
        InstructionDataset dataset = InstructionDataset::load(data, images, options);
        result.summary = qs(dataset.report().summary());
        result.entries = dataset.entryCount();
        result.samples = dataset.sampleCount();
        if (dataset.empty()) {
            result.error = DistillWizard::tr("%1 holds no usable entry.").arg(qs(data));
            return result;
        }
        if (!validation.empty()) {
            const InstructionDataset held = InstructionDataset::load(validation, images, options);
            if (held.empty()) {
                result.error = DistillWizard::tr("The validation file %1 holds no usable entry:\n%2")
                                   .arg(qs(validation), qs(held.report().summary()));
                return result;
            }
            result.summary += QLatin1Char('\n')
                              + DistillWizard::tr("Validation file: %1 entries, %2 samples.")
                                    .arg(held.entryCount())
                                    .arg(held.sampleCount());
        }
        const std::size_t n = std::min<std::size_t>(SamplesShown, dataset.sampleCount());
        for (std::size_t i = 0; i < n; ++i) {
            const InstructionSample s = dataset.sample(i);
            SampleView view;
            QImageReader reader(qs(s.imagePath));
            const QImage image = reader.read();
            if (!image.isNull())
                view.thumbnail = image.scaled(ThumbnailSize, ThumbnailSize, Qt::KeepAspectRatio, Qt::SmoothTransformation);
            view.text = DistillWizard::tr("Q: %1\nA: %2").arg(qs(s.question), qs(s.answer));
            result.shown.push_back(view);
        }
        if (validation.empty() && fraction > 0) {
            // Whether the split leaves data to train on; its sizes do not depend on the seed. The
            // dataset is not needed afterwards, so it is handed over rather than copied.
            InstructionDataset::splitByFraction(std::move(dataset), fraction, 1);
        }
        result.ok = true;
    } catch (const std::exception &e) {
        result.error = QString::fromUtf8(e.what());
        result.shown.clear();
    }
    return result;
}

} // namespace

// What every page shares: a message line saying why it cannot go on, and the number fields it
// checks before going on.
class DistillWizardPage : public QWizardPage {
public:
    explicit DistillWizardPage(DistillWizard *wizard) : wizard_(wizard), problemLabel_(new QLabel)
    {
        problemLabel_->setObjectName(QStringLiteral("problem"));
        problemLabel_->setWordWrap(true);
        problemLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);
        problemLabel_->setStyleSheet(QStringLiteral("color: #b00020;"));
        problemLabel_->hide();
    }

    QString problem() const { return problemLabel_->text(); }

protected:
    bool refuse(const QString &message)
    {
        problemLabel_->setText(message);
        problemLabel_->show();
        return false;
    }
    void clearProblem()
    {
        problemLabel_->clear();
        problemLabel_->hide();
    }
    void addNumber(QLineEdit *edit, const QString &name) { numbers_.emplace_back(edit, name); }
    // Refuses the first number field whose text is not a number.
    bool checkNumbers()
    {
        for (const auto &[edit, name] : numbers_) {
            bool ok = false;
            edit->text().trimmed().toDouble(&ok);
            if (!ok)
                return refuse(DistillWizard::tr("%1 is not a number: “%2”.").arg(name, edit->text()));
        }
        return true;
    }
    static double number(const QLineEdit *edit, double fallback)
    {
        bool ok = false;
        const double value = edit->text().trimmed().toDouble(&ok);
        return ok ? value : fallback;
    }

    DistillWizard *wizard_;
    QLabel *problemLabel_;

private:
    std::vector<std::pair<QLineEdit *, QString>> numbers_;
};

// ---------------------------------------------------------------------------------------------

class DistillModelsPage : public DistillWizardPage {
    Q_OBJECT

public:
    struct Side {
        QLineEdit *folder = nullptr;
        DeviceComboBox *device = nullptr;
        QLabel *info = nullptr;
        std::optional<ModelConfig> config;
        QString error;
    };

    explicit DistillModelsPage(DistillWizard *wizard) : DistillWizardPage(wizard)
    {
        setTitle(tr("Models"));
        setSubTitle(tr("The large teacher and the small student it teaches."));
        auto *layout = new QVBoxLayout(this);
        layout->addWidget(makeSide(teacher_, tr("Teacher"),
                                   tr("The model folder (config.json and weights) whose answers the student learns")));
        layout->addWidget(makeSide(student_, tr("Student"),
                                   tr("The model folder that is trained; it must share the teacher's vocabulary")));
        gpuNote_->setObjectName(QStringLiteral("gpuNote"));
        gpuNote_->setWordWrap(true);
        gpuNote_->setTextInteractionFlags(Qt::TextSelectableByMouse);
        gpuNote_->setForegroundRole(QPalette::PlaceholderText);
        layout->addWidget(gpuNote_);
        layout->addStretch(1);
        layout->addWidget(problemLabel_);
        devicesListed();
    }

    // Fills the device lists from the wizard's GPU inventory, keeping the devices chosen.
    void devicesListed()
    {
        const GpuInventory *gpus = wizard_->gpus_;
        QString note;
        if (!gpus->isReady())
            note = tr("Looking for GPUs with %1...").arg(gpus->program());
        else if (gpus->gpus().isEmpty())
            note = tr("%1: only the CPU is listed; type cuda:N to use a GPU anyway.").arg(gpus->errorString());
        else
            note = tr("GPUs from %1, with the memory that was free when this wizard opened.").arg(gpus->program());
        gpuNote_->setText(note);
        for (DeviceComboBox *combo : {teacher_.device, student_.device}) {
            if (gpus->isReady())
                combo->setGpus(gpus->gpus());
            combo->setToolTip(tr("Where the model runs: auto takes the first GPU when there is one, else the CPU; "
                                 "another device can be typed as cuda:N")
                              + QLatin1Char('\n') + note);
        }
    }

    void load(const DistillConfig &c)
    {
        teacher_.folder->setText(qs(c.teacher));
        student_.folder->setText(qs(c.student));
        teacher_.device->setDevice(qs(c.run.teacherDevice));
        student_.device->setDevice(qs(c.run.studentDevice));
    }
    void apply(DistillConfig &c) const
    {
        c.teacher = teacher_.folder->text().trimmed().toStdString();
        c.student = student_.folder->text().trimmed().toStdString();
        c.run.teacherDevice = teacher_.device->device().toStdString();
        c.run.studentDevice = student_.device->device().toStdString();
    }

    const std::optional<ModelConfig> &teacherConfig() const { return teacher_.config; }
    const std::optional<ModelConfig> &studentConfig() const { return student_.config; }

    bool validatePage() override
    {
        clearProblem();
        // The folders may have changed on disk since they were typed.
        refresh(teacher_);
        refresh(student_);
        if (!checkSide(teacher_, tr("teacher")) || !checkSide(student_, tr("student")))
            return false;
        const int tv = teacher_.config->text.vocabSize;
        const int sv = student_.config->text.vocabSize;
        if (tv != sv)
            return refuse(tr("The teacher (%1) has a vocabulary of %2 tokens and the student (%3) one of %4: "
                             "distillation compares their next-token distributions token by token, so both "
                             "must use the same tokenizer.")
                              .arg(teacher_.folder->text())
                              .arg(tv)
                              .arg(student_.folder->text())
                              .arg(sv));
        return true;
    }

private:
    QGroupBox *makeSide(Side &side, const QString &title, const QString &toolTip)
    {
        auto *box = new QGroupBox(title, this);
        auto *form = new QFormLayout(box);
        side.folder = new QLineEdit(box);
        side.folder->setToolTip(toolTip);
        side.folder->setObjectName(title == tr("Teacher") ? QStringLiteral("teacher") : QStringLiteral("student"));
        form->addRow(tr("Folder:"), pathRow(side.folder, true, ModelFolderKey, QString(), box));
        side.device = new DeviceComboBox(box);
        side.device->setObjectName(title == tr("Teacher") ? QStringLiteral("teacherDevice")
                                                           : QStringLiteral("studentDevice"));
        form->addRow(tr("Device:"), side.device);
        side.info = new QLabel(box);
        side.info->setWordWrap(true);
        side.info->setTextInteractionFlags(Qt::TextSelectableByMouse);
        form->addRow(side.info);
        Side *s = &side;
        connect(side.folder, &QLineEdit::textChanged, this, [this, s] { refresh(*s); });
        return box;
    }

    void refresh(Side &side)
    {
        side.config.reset();
        side.error.clear();
        const QString folder = side.folder->text().trimmed();
        if (folder.isEmpty()) {
            side.info->clear();
            return;
        }
        const QFileInfo info(folder);
        if (!info.isDir())
            side.error = tr("The folder %1 does not exist.").arg(folder);
        else if (!QFileInfo::exists(QDir(folder).filePath(QStringLiteral("config.json"))))
            side.error = tr("%1 has no config.json: it is not a model folder.").arg(folder);
        else {
            try {
                side.config = ModelConfig::load(folder.toStdString());
            } catch (const std::exception &e) {
                side.error = QString::fromUtf8(e.what());
            }
        }
        if (!side.config) {
            side.info->setText(side.error);
            return;
        }
        const ModelConfig &m = *side.config;
        const std::int64_t params = DistillWizard::estimateParameters(m);
        side.info->setText(tr("Layout: %1 · about %2 parameters · vocabulary: %3 tokens · text: %4 layers of %5 · "
                              "vision: %6 layers of %7 at %8 px\nWeights: about %9 in bf16, %10 in f32")
                               .arg(layoutName(m.layout), parameterCount(params))
                               .arg(m.text.vocabSize)
                               .arg(m.text.layers)
                               .arg(m.text.hiddenSize)
                               .arg(m.vision.layers)
                               .arg(m.vision.hiddenSize)
                               .arg(m.inputSize)
                               .arg(DistillWizard::formatBytes(2.0 * params), DistillWizard::formatBytes(4.0 * params)));
    }

    bool checkSide(const Side &side, const QString &role)
    {
        if (side.folder->text().trimmed().isEmpty())
            return refuse(tr("Choose the %1 model folder.").arg(role));
        if (!side.config)
            return refuse(tr("The %1 model cannot be used: %2").arg(role, side.error));
        return true;
    }

    Side teacher_;
    Side student_;
    QLabel *gpuNote_ = new QLabel(this);
};

// ---------------------------------------------------------------------------------------------

class DistillDataPage : public DistillWizardPage {
    Q_OBJECT

public:
    explicit DistillDataPage(DistillWizard *wizard)
        : DistillWizardPage(wizard), data_(new QLineEdit), images_(new QLineEdit), corpus_(new QLineEdit),
          validation_(new QLineEdit), fraction_(numberEdit(tr("Share of the entries held out for validation when "
                                                             "no validation file is given (0 to 0.5)"))),
          check_(new QPushButton(tr("Check"))), busy_(new QProgressBar), summary_(new QLabel),
          samples_(new QListWidget)
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
        connect(&watcher_, &QFutureWatcher<DataCheckResult>::finished, this, &DistillDataPage::checkFinished);
    }

    void load(const DistillConfig &c)
    {
        data_->setText(qs(c.data));
        images_->setText(qs(c.images));
        corpus_->setText(qs(c.corpus));
        validation_->setText(qs(c.validationData));
        fraction_->setText(numberText(c.validationFraction));
        invalidate();
    }
    void apply(DistillConfig &c) const
    {
        c.data = data_->text().trimmed().toStdString();
        c.images = images_->text().trimmed().toStdString();
        c.corpus = corpus_->text().trimmed().toStdString();
        c.validationData = validation_->text().trimmed().toStdString();
        c.validationFraction = number(fraction_, c.validationFraction);
    }

    bool isChecking() const { return watcher_.isRunning(); }
    bool isComplete() const override { return checkOk_ && !watcher_.isRunning(); }
    // Samples the last successful check found (validation included); 0 when not checked.
    std::size_t sampleCount() const { return checkOk_ ? sampleCount_ : 0; }

    bool validatePage() override
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

    void startCheck()
    {
        if (watcher_.isRunning())
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
        watcher_.setFuture(QtConcurrent::run(checkInstructionData, data_->text().trimmed().toStdString(),
                                             images_->text().trimmed().toStdString(),
                                             validation_->text().trimmed().toStdString(), fraction));
    }

private:
    void invalidate()
    {
        // A check of other files says nothing about these.
        ++generation_;
        checkOk_ = false;
        checkError_.clear();
        samples_->clear();
        summary_->setText(tr("Press Check to load the data."));
        emit completeChanged();
    }

    void checkFinished()
    {
        busy_->hide();
        check_->setEnabled(true);
        const DataCheckResult r = watcher_.result();
        if (generation_ != started_) {
            emit wizard_->dataCheckFinished(false);
            return;
        }
        QString text = r.summary;
        if (r.ok) {
            text = tr("%1 entries, %2 samples.").arg(r.entries).arg(r.samples) + QLatin1Char('\n') + r.summary;
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

    QLineEdit *data_, *images_, *corpus_, *validation_, *fraction_;
    QPushButton *check_;
    QProgressBar *busy_;
    QLabel *summary_;
    QListWidget *samples_;
    QFutureWatcher<DataCheckResult> watcher_;
    bool checkOk_ = false;
    std::size_t sampleCount_ = 0;
    QString checkError_;
    unsigned generation_ = 0; // the state of the fields; a check started at another one is stale
    unsigned started_ = 0;
};

// ---------------------------------------------------------------------------------------------

class DistillMethodPage : public DistillWizardPage {
    Q_OBJECT

public:
    explicit DistillMethodPage(DistillWizard *wizard) : DistillWizardPage(wizard), presets_(new QButtonGroup(this))
    {
        setTitle(tr("Method"));
        setSubTitle(tr("How the student learns from the teacher. Choosing a method resets the advanced settings to its own."));
        auto *layout = new QVBoxLayout(this);
        auto *grid = new QGridLayout;
        const std::pair<DistillMethod, QString> methods[] = {
            {DistillMethod::Paper, tr("SFT warm start, then MiniLLM (policy gradient and per-token reverse KL), "
                                      "feature alignment and the pretraining loss")},
            {DistillMethod::Kd, tr("Hinton's token-level knowledge distillation on the dataset's answers")},
            {DistillMethod::Sft, tr("Cross-entropy on the dataset's answers alone: the baseline without a teacher")},
            {DistillMethod::Rkl, tr("Per-token reverse KL to the teacher on the dataset's answers")},
            {DistillMethod::SeqKd, tr("Cross-entropy on the answers the teacher generates")},
            {DistillMethod::Align, tr("Alignment of the projector features, with cross-entropy on the answers")},
        };
        int row = 0;
        for (const auto &[method, explanation] : methods) {
            auto *radio = new QRadioButton(QString::fromLatin1(methodName(method)), this);
            radio->setObjectName(QStringLiteral("preset_") + QString::fromLatin1(methodName(method)));
            radio->setToolTip(explanation);
            presets_->addButton(radio, static_cast<int>(method));
            grid->addWidget(radio, row, 0);
            auto *label = new QLabel(explanation, this);
            label->setWordWrap(true);
            grid->addWidget(label, row, 1);
            ++row;
        }
        grid->setColumnStretch(1, 1);
        layout->addLayout(grid);

        auto *toggle = new QToolButton(this);
        toggle->setObjectName(QStringLiteral("advancedToggle"));
        toggle->setText(tr("Advanced"));
        toggle->setToolTip(tr("Every weight and hyperparameter of the method"));
        toggle->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
        toggle->setArrowType(Qt::RightArrow);
        toggle->setCheckable(true);
        toggle->setAutoRaise(true);
        layout->addWidget(toggle);
        advanced_ = new QWidget(this);
        advanced_->setObjectName(QStringLiteral("advanced"));
        advanced_->hide();
        auto *columns = new QHBoxLayout(advanced_);
        columns->setContentsMargins(0, 0, 0, 0);
        columns->addWidget(makeTerms(), 1, Qt::AlignTop);
        columns->addWidget(makeMiniLlm(), 1, Qt::AlignTop);
        columns->addWidget(makeLora(), 1, Qt::AlignTop);
        layout->addWidget(advanced_);
        layout->addStretch(1);
        layout->addWidget(problemLabel_);

        connect(toggle, &QToolButton::toggled, this, [this, toggle](bool on) {
            advanced_->setVisible(on);
            toggle->setArrowType(on ? Qt::DownArrow : Qt::RightArrow);
        });
        connect(presets_, &QButtonGroup::idClicked, this, [this](int id) { choosePreset(static_cast<DistillMethod>(id)); });
    }

    // Selects a method and resets every advanced setting (and the SFT warm start) to its preset.
    void choosePreset(DistillMethod method)
    {
        if (QAbstractButton *b = presets_->button(static_cast<int>(method)))
            b->setChecked(true);
        const DistillConfig p = DistillConfig::preset(method);
        loadAdvanced(p);
        emit presetChosen(p);
    }

    void load(const DistillConfig &c)
    {
        if (const auto method = parseDistillMethod(c.method))
            presets_->button(static_cast<int>(*method))->setChecked(true);
        else if (QAbstractButton *checked = presets_->checkedButton()) {
            // An unknown method is kept as written (validate() reports it), with no button checked.
            presets_->setExclusive(false);
            checked->setChecked(false);
            presets_->setExclusive(true);
        }
        loadAdvanced(c);
    }

    void apply(DistillConfig &c) const
    {
        if (presets_->checkedId() >= 0)
            c.method = methodName(static_cast<DistillMethod>(presets_->checkedId()));
        for (const auto &[edit, target] : doubles_)
            *target(c) = number(edit, *target(c));
        for (const auto &[box, target] : ints_)
            *target(c) = box->value();
        c.minillm.lengthNormalise = lengthNormalise_->isChecked();
        c.minillm.whitenAdvantages = whiten_->isChecked();
        c.lora.enabled = loraEnabled_->isChecked();
        std::vector<std::string> targets;
        for (std::size_t i = 0; i < targets_.size(); ++i)
            if (targets_[i]->isChecked())
                targets.push_back(LoraSettings::knownTargets()[i]);
        // The same set in the order the configuration had keeps the round trip exact.
        if (std::set<std::string>(targets.begin(), targets.end())
            != std::set<std::string>(c.lora.targets.begin(), c.lora.targets.end()))
            c.lora.targets = targets;
    }

    QString methodText() const
    {
        return presets_->checkedId() >= 0 ? QString::fromLatin1(methodName(static_cast<DistillMethod>(presets_->checkedId())))
                                          : QString();
    }

    bool validatePage() override
    {
        clearProblem();
        if (presets_->checkedId() < 0)
            return refuse(tr("Choose a method."));
        return checkNumbers();
    }

signals:
    void presetChosen(const geolens::DistillConfig &preset);

private:
    using DoubleTarget = double *(*)(DistillConfig &);
    using IntTarget = int *(*)(DistillConfig &);

    void addDouble(QFormLayout *form, const QString &key, DoubleTarget target, const QString &toolTip)
    {
        QLineEdit *edit = numberEdit(toolTip);
        edit->setObjectName(key);
        form->addRow(key, edit);
        addNumber(edit, key);
        doubles_.emplace_back(edit, target);
    }
    void addInt(QFormLayout *form, const QString &key, IntTarget target, int minimum, const QString &toolTip)
    {
        QSpinBox *box = countBox(minimum, toolTip);
        box->setObjectName(key);
        form->addRow(key, box);
        ints_.emplace_back(box, target);
    }

    QGroupBox *makeTerms()
    {
        auto *box = new QGroupBox(tr("Loss terms"), this);
        auto *form = new QFormLayout(box);
        addDouble(form, QStringLiteral("terms.align"), [](DistillConfig &c) { return &c.terms.align; },
                  tr("Weight of the MSE between the teacher's and the student's projector outputs"));
        addDouble(form, QStringLiteral("terms.policy"), [](DistillConfig &c) { return &c.terms.policy; },
                  tr("Weight of MiniLLM's long-term policy-gradient term"));
        addDouble(form, QStringLiteral("terms.single"), [](DistillConfig &c) { return &c.terms.single; },
                  tr("Weight of the exact per-token reverse KL over the vocabulary"));
        addDouble(form, QStringLiteral("terms.pt"), [](DistillConfig &c) { return &c.terms.pt; },
                  tr("Weight of the pretraining loss L_PT on the corpus"));
        addDouble(form, QStringLiteral("terms.kd"), [](DistillConfig &c) { return &c.terms.kd; },
                  tr("Weight of Hinton's knowledge distillation loss"));
        addDouble(form, QStringLiteral("terms.ce"), [](DistillConfig &c) { return &c.terms.ce; },
                  tr("Weight of the cross-entropy on the answers"));
        addDouble(form, QStringLiteral("terms.kd_temperature"), [](DistillConfig &c) { return &c.terms.kdTemperature; },
                  tr("Softmax temperature of both models in the KD loss"));
        addDouble(form, QStringLiteral("terms.kd_lambda"), [](DistillConfig &c) { return &c.terms.kdLambda; },
                  tr("Share of the KD loss that is the KL to the teacher; the rest is cross-entropy"));
        return box;
    }

    QGroupBox *makeMiniLlm()
    {
        auto *box = new QGroupBox(tr("MiniLLM"), this);
        auto *form = new QFormLayout(box);
        addDouble(form, QStringLiteral("minillm.alpha"), [](DistillConfig &c) { return &c.minillm.alpha; },
                  tr("Teacher share of the mixture the rollouts are sampled from"));
        addDouble(form, QStringLiteral("minillm.gamma"), [](DistillConfig &c) { return &c.minillm.gamma; },
                  tr("Discount of the long-term reward"));
        addDouble(form, QStringLiteral("minillm.clip_ratio"), [](DistillConfig &c) { return &c.minillm.clipRatio; },
                  tr("PPO clip: the probability ratio is kept within 1 ± this"));
        addInt(form, QStringLiteral("minillm.ppo_epochs"), [](DistillConfig &c) { return &c.minillm.ppoEpochs; }, 0,
               tr("Optimisation passes over each batch of rollouts"));
        addInt(form, QStringLiteral("minillm.rollout_batch_size"),
               [](DistillConfig &c) { return &c.minillm.rolloutBatchSize; }, 0, tr("Prompts per batch of rollouts"));
        addInt(form, QStringLiteral("minillm.max_new_tokens"), [](DistillConfig &c) { return &c.minillm.maxNewTokens; }, 0,
               tr("Longest answer a rollout generates, in tokens"));
        addDouble(form, QStringLiteral("minillm.kd_ratio"), [](DistillConfig &c) { return &c.minillm.kdRatio; },
                  tr("Share of L_PT computed against the teacher's distribution instead of the corpus tokens"));
        addDouble(form, QStringLiteral("minillm.reward_scale"), [](DistillConfig &c) { return &c.minillm.rewardScale; },
                  tr("Rewards are divided by this before clamping"));
        addDouble(form, QStringLiteral("minillm.reward_clamp"), [](DistillConfig &c) { return &c.minillm.rewardClamp; },
                  tr("Scaled rewards are clamped to ± this"));
        addDouble(form, QStringLiteral("minillm.temperature"), [](DistillConfig &c) { return &c.minillm.temperature; },
                  tr("Sampling temperature of the rollouts"));
        addInt(form, QStringLiteral("minillm.top_k"), [](DistillConfig &c) { return &c.minillm.topK; }, 0,
               tr("Rollouts sample among this many most likely tokens; 0 turns it off"));
        addDouble(form, QStringLiteral("minillm.top_p"), [](DistillConfig &c) { return &c.minillm.topP; },
                  tr("Nucleus sampling of the rollouts; 1 turns it off"));
        lengthNormalise_ = checkBox(tr("Length-normalised reward"), tr("Divides the long-term reward by the answer length"));
        lengthNormalise_->setObjectName(QStringLiteral("minillm.length_normalise"));
        form->addRow(lengthNormalise_);
        whiten_ = checkBox(tr("Whiten advantages"), tr("Scales the advantages of a batch to zero mean and unit variance"));
        whiten_->setObjectName(QStringLiteral("minillm.whiten_advantages"));
        form->addRow(whiten_);
        return box;
    }

    QGroupBox *makeLora()
    {
        auto *box = new QGroupBox(tr("LoRA"), this);
        auto *form = new QFormLayout(box);
        loraEnabled_ = checkBox(tr("Train LoRA adapters"),
                                tr("Trains small low-rank adapters instead of every weight of the language model"));
        loraEnabled_->setObjectName(QStringLiteral("lora.enabled"));
        form->addRow(loraEnabled_);
        addInt(form, QStringLiteral("lora.rank"), [](DistillConfig &c) { return &c.lora.rank; }, 0,
               tr("Rank of each adapter: larger learns more and needs more memory"));
        addDouble(form, QStringLiteral("lora.alpha"), [](DistillConfig &c) { return &c.lora.alpha; },
                  tr("Adapter scale: the update is multiplied by alpha / rank"));
        addDouble(form, QStringLiteral("lora.dropout"), [](DistillConfig &c) { return &c.lora.dropout; },
                  tr("Dropout on the adapters' input; 0 for the paper's method, whose PPO ratio it would disturb"));
        auto *targets = new QWidget(box);
        auto *grid = new QGridLayout(targets);
        grid->setContentsMargins(0, 0, 0, 0);
        int i = 0;
        for (const std::string &name : LoraSettings::knownTargets()) {
            auto *target = checkBox(qs(name), tr("Wraps the %1 projection of every layer with an adapter").arg(qs(name)));
            target->setObjectName(QStringLiteral("lora.targets.") + qs(name));
            grid->addWidget(target, i / 4, i % 4);
            targets_.push_back(target);
            ++i;
        }
        form->addRow(QStringLiteral("lora.targets"), targets);
        connect(loraEnabled_, &QCheckBox::toggled, targets, &QWidget::setEnabled);
        return box;
    }

    void loadAdvanced(const DistillConfig &c)
    {
        DistillConfig copy = c;
        for (const auto &[edit, target] : doubles_)
            edit->setText(numberText(*target(copy)));
        for (const auto &[box, target] : ints_)
            box->setValue(*target(copy));
        lengthNormalise_->setChecked(c.minillm.lengthNormalise);
        whiten_->setChecked(c.minillm.whitenAdvantages);
        loraEnabled_->setChecked(c.lora.enabled);
        for (std::size_t i = 0; i < targets_.size(); ++i)
            targets_[i]->setChecked(std::find(c.lora.targets.begin(), c.lora.targets.end(),
                                              LoraSettings::knownTargets()[i])
                                    != c.lora.targets.end());
    }

    QButtonGroup *presets_;
    QWidget *advanced_ = nullptr;
    std::vector<std::pair<QLineEdit *, DoubleTarget>> doubles_;
    std::vector<std::pair<QSpinBox *, IntTarget>> ints_;
    QCheckBox *lengthNormalise_ = nullptr;
    QCheckBox *whiten_ = nullptr;
    QCheckBox *loraEnabled_ = nullptr;
    std::vector<QCheckBox *> targets_;
};

// ---------------------------------------------------------------------------------------------

class DistillTrainingPage : public DistillWizardPage {
    Q_OBJECT

public:
    explicit DistillTrainingPage(DistillWizard *wizard)
        : DistillWizardPage(wizard),
          lr_(numberEdit(tr("Peak learning rate; about 2e-5 with LoRA, 5e-6 when every weight is trained"))),
          schedule_(new QComboBox), warmup_(countBox(0, tr("Steps over which the learning rate rises from 0"))),
          batch_(countBox(0, tr("Samples per forward pass"))),
          accumulation_(countBox(0, tr("Forward passes whose gradients are summed before each optimiser step"))),
          steps_(countBox(0, tr("Optimiser steps of the run; used when epochs is off"))),
          epochs_(countBox(0, tr("Passes over the training data; off: the run lasts the given steps"))),
          evalInterval_(countBox(0, tr("Steps between validation passes; 0: only at the end"))),
          checkpointInterval_(countBox(0, tr("Steps between checkpoints; 0: only at the end"))),
          sftWarmup_(countBox(0, tr("Supervised steps on the answers before the paper's objective starts; 0 when the "
                                    "student is already fine-tuned"))),
          seed_(new QLineEdit), dtype_(new QComboBox),
          imageSize_(countBox(0, tr("Input resolution of the vision tower; the model's own when off"))),
          maxLength_(countBox(0, tr("Positions per sample: the prompt with the image features plus the answer"))),
          cacheImages_(checkBox(tr("Cache resized images in the run folder"),
                                tr("Decodes and resizes each image once per run so that later epochs skip it"))),
          out_(new QLineEdit), outNote_(new QLabel), memory_(new QLabel), measure_(new QPushButton(tr("Measure"))),
          measureProgress_(new QProgressBar), cancelMeasure_(new QPushButton(tr("Cancel"))), measurement_(new QLabel),
          trial_(new TrialRun(this))
    {
        setTitle(tr("Training"));
        setSubTitle(tr("Optimiser, length of the run, precision and where the run is written."));
        auto *layout = new QVBoxLayout(this);
        auto *columns = new QHBoxLayout;
        auto *left = new QFormLayout;
        auto *right = new QFormLayout;
        lr_->setObjectName(QStringLiteral("optimiser.lr"));
        addNumber(lr_, tr("The learning rate"));
        left->addRow(tr("Learning rate:"), lr_);
        schedule_->addItems({QStringLiteral("cosine"), QStringLiteral("linear"), QStringLiteral("constant")});
        schedule_->setToolTip(tr("How the learning rate falls after the warm-up"));
        schedule_->setObjectName(QStringLiteral("optimiser.schedule"));
        left->addRow(tr("Schedule:"), schedule_);
        left->addRow(tr("Warm-up steps:"), warmup_);
        batch_->setObjectName(QStringLiteral("optimiser.batch_size"));
        left->addRow(tr("Batch size:"), batch_);
        left->addRow(tr("Gradient accumulation:"), accumulation_);
        steps_->setObjectName(QStringLiteral("run.steps"));
        left->addRow(tr("Steps:"), steps_);
        epochs_->setSpecialValueText(tr("off"));
        left->addRow(tr("Epochs:"), epochs_);
        right->addRow(tr("Evaluation interval:"), evalInterval_);
        right->addRow(tr("Checkpoint interval:"), checkpointInterval_);
        sftWarmup_->setObjectName(QStringLiteral("run.sft_warmup_steps"));
        right->addRow(tr("SFT warm-up steps:"), sftWarmup_);
        seed_->setToolTip(tr("Seeds the data split, the shuffling and the rollouts, so a run can be repeated"));
        seed_->setValidator(new QRegularExpressionValidator(QRegularExpression(QStringLiteral("[0-9]{1,20}")), seed_));
        right->addRow(tr("Seed:"), seed_);
        dtype_->addItems({QStringLiteral("auto"), QStringLiteral("f32"), QStringLiteral("bf16"), QStringLiteral("f16")});
        dtype_->setToolTip(tr("Precision of the weights; auto: bf16 on a GPU, f32 on the CPU"));
        right->addRow(tr("Precision:"), dtype_);
        imageSize_->setSpecialValueText(tr("model's own"));
        right->addRow(tr("Image size:"), imageSize_);
        right->addRow(tr("Maximum length:"), maxLength_);
        right->addRow(cacheImages_);
        columns->addLayout(left);
        columns->addLayout(right);
        layout->addLayout(columns);
        auto *outForm = new QFormLayout;
        out_->setObjectName(QStringLiteral("out"));
        out_->setToolTip(tr("The run folder: run.json, checkpoints, metrics and the exported student go there"));
        outForm->addRow(tr("Output folder:"), pathRow(out_, true, OutputFolderKey, QString(), this));
        outNote_->setWordWrap(true);
        outForm->addRow(outNote_);
        layout->addLayout(outForm);
        memory_->setObjectName(QStringLiteral("memory"));
        memory_->setWordWrap(true);
        memory_->setToolTip(tr("An estimate, not a measurement: weights in the chosen precision, plus 12 bytes per "
                               "trainable student parameter (its gradient and AdamW's two moments); activations, "
                               "the image cache and the framework's own memory come on top"));
        layout->addWidget(memory_);

        auto *measureRow = new QHBoxLayout;
        measure_->setObjectName(QStringLiteral("measure"));
        measure_->setToolTip(tr("Runs a few real steps of this configuration to measure the time per step and the "
                                "memory"));
        measureRow->addWidget(measure_);
        measureProgress_->setObjectName(QStringLiteral("measureProgress"));
        measureProgress_->setMaximumWidth(220);
        measureProgress_->hide();
        measureRow->addWidget(measureProgress_);
        cancelMeasure_->setObjectName(QStringLiteral("cancelMeasure"));
        cancelMeasure_->setToolTip(tr("Ends the trial run"));
        cancelMeasure_->hide();
        measureRow->addWidget(cancelMeasure_);
        measureRow->addStretch(1);
        layout->addLayout(measureRow);
        measurement_->setObjectName(QStringLiteral("measurement"));
        measurement_->setWordWrap(true);
        measurement_->setTextInteractionFlags(Qt::TextSelectableByMouse);
        layout->addWidget(measurement_);
        layout->addStretch(1);
        layout->addWidget(problemLabel_);

        connect(out_, &QLineEdit::textChanged, this, &DistillTrainingPage::updateOutNote);
        connect(dtype_, &QComboBox::currentTextChanged, this, &DistillTrainingPage::updateMemory);
        connect(measure_, &QPushButton::clicked, this, &DistillTrainingPage::measure);
        connect(cancelMeasure_, &QPushButton::clicked, trial_, &TrialRun::cancel);
        connect(trial_, &TrialRun::progress, this, &DistillTrainingPage::trialProgress);
        connect(trial_, &TrialRun::finished, this, &DistillTrainingPage::trialFinished);
        connect(trial_, &TrialRun::failed, this, &DistillTrainingPage::trialFailed);
        connect(trial_, &TrialRun::canceled, this, &DistillTrainingPage::trialCanceled);
        // The length of the run changes the forecast; the batch, precision and sizes make the
        // measurement stale.
        for (QSpinBox *box : {batch_, accumulation_, steps_, epochs_, sftWarmup_, imageSize_, maxLength_})
            connect(box, &QSpinBox::valueChanged, this, &DistillTrainingPage::updateMeasurement);
        connect(dtype_, &QComboBox::currentTextChanged, this, &DistillTrainingPage::updateMeasurement);
        connect(cacheImages_, &QCheckBox::toggled, this, &DistillTrainingPage::updateMeasurement);
        updateMeasurement();
    }

    void load(const DistillConfig &c)
    {
        lr_->setText(numberText(c.optimiser.lr));
        setComboText(schedule_, qs(c.optimiser.schedule));
        warmup_->setValue(c.optimiser.warmupSteps);
        batch_->setValue(c.optimiser.batchSize);
        accumulation_->setValue(c.optimiser.gradAccumulation);
        steps_->setValue(c.run.steps);
        epochs_->setValue(c.run.epochs);
        evalInterval_->setValue(c.run.evalInterval);
        checkpointInterval_->setValue(c.run.checkpointInterval);
        sftWarmup_->setValue(c.run.sftWarmupSteps);
        seed_->setText(QString::number(c.run.seed));
        setComboText(dtype_, qs(c.run.dtype));
        imageSize_->setValue(c.run.imageSize);
        maxLength_->setValue(c.run.maxLength);
        cacheImages_->setChecked(c.run.cacheImages);
        out_->setText(qs(c.out));
        sftWarmup_->setEnabled(c.method == "paper");
    }
    void apply(DistillConfig &c) const
    {
        c.optimiser.lr = number(lr_, c.optimiser.lr);
        c.optimiser.schedule = schedule_->currentText().toStdString();
        c.optimiser.warmupSteps = warmup_->value();
        c.optimiser.batchSize = batch_->value();
        c.optimiser.gradAccumulation = accumulation_->value();
        c.run.steps = steps_->value();
        c.run.epochs = epochs_->value();
        c.run.evalInterval = evalInterval_->value();
        c.run.checkpointInterval = checkpointInterval_->value();
        c.run.sftWarmupSteps = sftWarmup_->value();
        bool ok = false;
        const qulonglong seed = seed_->text().toULongLong(&ok);
        if (ok)
            c.run.seed = seed;
        c.run.dtype = dtype_->currentText().toStdString();
        c.run.imageSize = imageSize_->value();
        c.run.maxLength = maxLength_->value();
        c.run.cacheImages = cacheImages_->isChecked();
        c.out = out_->text().trimmed().toStdString();
    }

    // The method page's preset also sets the warm start, which only the paper's method has.
    void presetChosen(const DistillConfig &preset)
    {
        sftWarmup_->setValue(preset.run.sftWarmupSteps);
        sftWarmup_->setEnabled(preset.method == "paper");
    }

    void initializePage() override
    {
        sftWarmup_->setEnabled(wizard_->method_->methodText() == QLatin1String("paper"));
        updateOutNote();
        updateMemory();
        updateMeasurement();
    }

    bool validatePage() override
    {
        clearProblem();
        if (!checkNumbers())
            return false;
        bool ok = false;
        seed_->text().toULongLong(&ok);
        if (!ok)
            return refuse(tr("The seed must be a whole number."));
        const QString out = out_->text().trimmed();
        if (out.isEmpty())
            return refuse(tr("Choose the output folder the run is written to."));
        const QFileInfo info(out);
        if (info.exists() && !info.isDir())
            return refuse(tr("The output folder %1 is a file.").arg(out));
        if (info.isDir() && !QDir(out).isEmpty() && !hasRun(out))
            return refuse(tr("The output folder %1 is not empty and holds no run (run.json): choose an empty or new "
                             "folder so that no other files are mixed with the run's.")
                              .arg(out));
        return true;
    }

    QString memoryText() const { return memory_->text(); }
    QString outNote() const { return outNote_->text(); }
    QString measurementText() const { return measurement_->text(); }
    bool isMeasuring() const { return trial_->isRunning(); }
    const TrialResult *measurement() const { return result_ ? &*result_ : nullptr; }
    void cancelMeasurement() { trial_->cancel(); }

    void measure()
    {
        if (trial_->isRunning())
            return;
        const DistillConfig c = wizard_->config();
        state_ = Measure::Running;
        pendingSignature_ = timingSignature(c);
        measure_->setEnabled(false);
        cancelMeasure_->show();
        measureProgress_->setRange(0, 0);
        measureProgress_->show();
        setMeasurementText(tr("Starting a trial run..."), Tone::Normal);
        const QString cli = wizard_->cliPath_.isEmpty() ? geolensCliPath() : wizard_->cliPath_;
        // A trial that cannot start says why through failed() before start() returns.
        if (trial_->start(c, cli))
            measurement_->setToolTip(trial_->commandLine().join(QLatin1Char(' ')));
    }

    // The GPU list came (later than the page, perhaps): the estimate can name free memory now.
    void devicesListed() { updateMemory(); }

private:
    static void setComboText(QComboBox *combo, const QString &text)
    {
        // A value the list lacks is kept, so that validate() can name it instead of the wizard
        // silently changing it.
        if (combo->findText(text) < 0)
            combo->addItem(text);
        combo->setCurrentText(text);
    }
    static bool hasRun(const QString &folder)
    {
        return QFileInfo::exists(QString::fromStdString(DistillConfig::runFilePath(folder.toStdString())));
    }

    void updateOutNote()
    {
        const QString out = out_->text().trimmed();
        if (!out.isEmpty() && QFileInfo(out).isDir() && !QDir(out).isEmpty() && hasRun(out))
            outNote_->setText(tr("%1 holds a run (run.json): launching overwrites it.").arg(out));
        else
            outNote_->clear();
    }

    enum class Measure { None, Running, Done, Failed, Canceled };

    enum class Tone { Normal, Quiet, Error };

    void setMeasurementText(const QString &text, Tone tone)
    {
        measurement_->setText(text);
        measurement_->setForegroundRole(tone == Tone::Quiet ? QPalette::PlaceholderText : QPalette::WindowText);
        // The colour of the page's problem line, for a failed trial.
        measurement_->setStyleSheet(tone == Tone::Error ? QStringLiteral("color: #b00020;") : QString());
    }

    void resetMeasureControls()
    {
        measure_->setEnabled(true);
        cancelMeasure_->hide();
        measureProgress_->hide();
    }

    void trialProgress(int done, int total)
    {
        if (done == 0) {
            measureProgress_->setRange(0, 0);
            setMeasurementText(tr("Loading the models and the data for a trial of %1 steps...").arg(total),
                               Tone::Normal);
        } else {
            measureProgress_->setRange(0, total);
            measureProgress_->setValue(done);
            setMeasurementText(tr("Trial step %1 of %2...").arg(done).arg(total), Tone::Normal);
        }
    }

    void trialFinished(const TrialResult &result)
    {
        result_ = result;
        measuredSignature_ = pendingSignature_;
        state_ = Measure::Done;
        resetMeasureControls();
        updateMeasurement();
        emit wizard_->measurementFinished(true);
    }

    void trialFailed(const QString &message)
    {
        result_.reset();
        failure_ = message;
        state_ = Measure::Failed;
        resetMeasureControls();
        updateMeasurement();
        emit wizard_->measurementFinished(false);
    }

    void trialCanceled()
    {
        result_.reset();
        state_ = Measure::Canceled;
        resetMeasureControls();
        updateMeasurement();
        emit wizard_->measurementFinished(false);
    }

    // The steps the run will make: run.steps, or for a run in epochs the steps its data make, as
    // far as the data page's check tells (0 when it does not).
    int forecastSteps(const DistillConfig &c) const
    {
        if (c.run.epochs <= 0)
            return c.run.steps;
        const std::size_t samples = wizard_->data_->sampleCount();
        if (samples == 0)
            return 0;
        // The validation share is held out of the training data; a separate file holds none.
        const double training = c.validationData.empty() ? samples * (1.0 - c.validationFraction) : samples;
        const double perStep = std::max(1, c.optimiser.batchSize) * std::max(1, c.optimiser.gradAccumulation);
        return static_cast<int>(std::ceil(training * c.run.epochs / perStep));
    }

    QString measuredSummary(const DistillConfig &c) const
    {
        const TrialResult &r = *result_;
        const TrialPhase *distill = r.phase(QStringLiteral("distill"));
        const TrialPhase *sft = r.phase(QStringLiteral("sft"));
        const bool paper = c.method == "paper" && distill;
        const TrialPhase *main = paper ? distill : nullptr;
        if (!main)
            for (const TrialPhase &p : r.phases)
                if (p.timedSteps > 0 && (!main || p.timedSteps > main->timedSteps))
                    main = &p;
        QString perStep;
        if (paper) {
            perStep = tr("%1 per distillation step").arg(secondsText(distill->secondsPerStep));
            if (sft)
                perStep += QLatin1Char(' ') + tr("(%1 per SFT step)").arg(secondsText(sft->secondsPerStep));
        } else {
            perStep = tr("%1 per step").arg(secondsText(main->secondsPerStep));
        }

        const int steps = forecastSteps(c);
        QString total;
        if (steps > 0) {
            double seconds = steps * main->secondsPerStep;
            if (paper) {
                const int warm = std::min(std::max(0, c.run.sftWarmupSteps), steps);
                seconds = warm * (sft ? sft->secondsPerStep : distill->secondsPerStep)
                          + (steps - warm) * distill->secondsPerStep;
            }
            total = c.run.epochs > 0 ? tr("about %1 for about %2 steps (%3 epochs)")
                                           .arg(durationText(seconds), QLocale().toString(steps))
                                           .arg(c.run.epochs)
                                     : tr("about %1 for %2 steps").arg(durationText(seconds), QLocale().toString(steps));
        } else {
            total = tr("about %1 per 1000 steps (check the data to count the steps of an epoch)")
                        .arg(durationText(1000 * main->secondsPerStep));
        }

        // gpu_mem_gb is MiB / 1024; rss_gb is the kB of VmRSS / 1e6.
        const QString ram = DistillWizard::formatBytes(r.peakRssGb * 1e6 * 1024.0);
        const QString memory = r.peakGpuMemoryGb > 0
                                   ? tr("peak GPU memory %1, RAM %2")
                                         .arg(DistillWizard::formatBytes(r.peakGpuMemoryGb * 1024.0 * 1024.0 * 1024.0), ram)
                                   : tr("peak RAM %1").arg(ram);
        return tr("%1; %2; %3.").arg(perStep, total, memory);
    }

    void updateMeasurement()
    {
        switch (state_) {
        case Measure::Running:
            return;
        case Measure::None:
            setMeasurementText(tr("Not measured: Measure times a few real steps of this configuration."),
                               Tone::Quiet);
            return;
        case Measure::Failed:
            setMeasurementText(tr("The trial run failed: %1").arg(failure_), Tone::Error);
            return;
        case Measure::Canceled:
            setMeasurementText(tr("The measurement was cancelled."), Tone::Quiet);
            return;
        case Measure::Done:
            break;
        }
        const DistillConfig c = wizard_->config();
        const QString summary = measuredSummary(c);
        if (timingSignature(c) != measuredSignature_)
            setMeasurementText(tr("Measured for other settings; measure again. (Then: %1)").arg(summary),
                               Tone::Quiet);
        else
            setMeasurementText(tr("Measured: %1").arg(summary), Tone::Normal);
    }

    void updateMemory()
    {
        const DistillConfig c = wizard_->config();
        const auto &teacher = wizard_->models_->teacherConfig();
        const auto &student = wizard_->models_->studentConfig();
        if (!teacher || !student) {
            memory_->setText(tr("Memory estimate: choose both models first."));
            return;
        }
        const std::int64_t tp = DistillWizard::estimateParameters(*teacher);
        const std::int64_t sp = DistillWizard::estimateParameters(*student);
        const std::int64_t trainable =
            c.lora.enabled ? DistillWizard::estimateLoraParameters(*student, c.lora.rank, c.lora.targets) : sp;
        // The devices as the engine resolves them where the GPU list tells: auto and cuda take the
        // first GPU, and auto is the CPU on a computer with none.
        const GpuInventory *gpus = wizard_->gpus_;
        const auto resolve = [gpus](const std::string &device) {
            const QString d = qs(device);
            if (const auto gpu = gpus->find(d))
                return gpu->device();
            if (d == QLatin1String("auto") && gpus->isReady() && gpus->gpus().isEmpty())
                return QStringLiteral("cpu");
            return d;
        };
        const auto named = [](const std::string &device, const QString &resolved) {
            return qs(device) == resolved ? resolved : tr("%1 (%2)").arg(qs(device), resolved);
        };
        const QString td = resolve(c.run.teacherDevice);
        const QString sd = resolve(c.run.studentDevice);
        const double teacherBytes = double(tp) * bytesPerWeight(c.run.dtype, td.toStdString());
        const double studentBytes = double(sp) * bytesPerWeight(c.run.dtype, sd.toStdString()) + 12.0 * trainable;
        QString text;
        if (td == sd)
            text = tr("Estimated memory on %1: about %2 (teacher %3, student %4 with %5 trainable parameters).")
                       .arg(c.run.teacherDevice == c.run.studentDevice ? named(c.run.teacherDevice, td) : td,
                            DistillWizard::formatBytes(teacherBytes + studentBytes),
                            DistillWizard::formatBytes(teacherBytes), DistillWizard::formatBytes(studentBytes),
                            parameterCount(trainable));
        else
            text = tr("Estimated memory: teacher about %1 on %2; student about %3 on %4 (%5 trainable parameters).")
                       .arg(DistillWizard::formatBytes(teacherBytes), named(c.run.teacherDevice, td),
                            DistillWizard::formatBytes(studentBytes), named(c.run.studentDevice, sd),
                            parameterCount(trainable));
        text += QLatin1Char(' ') + tr("Weights plus 12 bytes per trainable parameter; activations come on top.");

        std::map<QString, double> needed;
        needed[td] += teacherBytes;
        needed[sd] += studentBytes;
        QStringList notes;
        bool tooMuch = false;
        for (const auto &[device, bytes] : needed) {
            const auto gpu = gpus->find(device);
            if (!gpu || gpu->freeMiB < 0)
                continue;
            const double free = gpu->freeMiB * 1024.0 * 1024.0;
            if (bytes > free) {
                tooMuch = true;
                notes << tr("Warning: that is more than the %1 free on %2 (%3); the run is likely to run out of memory.")
                             .arg(DistillWizard::formatBytes(free), device, gpu->name);
            } else {
                notes << tr("%1 (%2) has %3 free.").arg(device, gpu->name, DistillWizard::formatBytes(free));
            }
        }
        if (!notes.isEmpty())
            text += QLatin1Char('\n') + notes.join(QLatin1Char(' '));
        memory_->setText(text);
        memory_->setStyleSheet(tooMuch ? QStringLiteral("color: #b00020;") : QString());
    }

    QLineEdit *lr_;
    QComboBox *schedule_;
    QSpinBox *warmup_, *batch_, *accumulation_, *steps_, *epochs_, *evalInterval_, *checkpointInterval_, *sftWarmup_;
    QLineEdit *seed_;
    QComboBox *dtype_;
    QSpinBox *imageSize_, *maxLength_;
    QCheckBox *cacheImages_;
    QLineEdit *out_;
    QLabel *outNote_;
    QLabel *memory_;
    QPushButton *measure_;
    QProgressBar *measureProgress_;
    QPushButton *cancelMeasure_;
    QLabel *measurement_;
    TrialRun *trial_;
    Measure state_ = Measure::None;
    std::optional<TrialResult> result_;
    QString failure_;
    std::string measuredSignature_, pendingSignature_;
};

// ---------------------------------------------------------------------------------------------

class DistillReviewPage : public DistillWizardPage {
    Q_OBJECT

public:
    explicit DistillReviewPage(DistillWizard *wizard)
        : DistillWizardPage(wizard), json_(new QPlainTextEdit), problems_(new QLabel)
    {
        setTitle(tr("Review"));
        setSubTitle(tr("The run configuration that will be saved as run.json in the output folder."));
        auto *layout = new QVBoxLayout(this);
        json_->setObjectName(QStringLiteral("json"));
        json_->setReadOnly(true);
        json_->setLineWrapMode(QPlainTextEdit::NoWrap);
        json_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
        json_->setToolTip(tr("Exactly what run.json will hold"));
        layout->addWidget(json_, 1);
        problems_->setObjectName(QStringLiteral("problems"));
        problems_->setWordWrap(true);
        problems_->setTextInteractionFlags(Qt::TextSelectableByMouse);
        layout->addWidget(problems_);
        layout->addWidget(problemLabel_);
    }

    void initializePage() override
    {
        const DistillConfig c = wizard_->config();
        json_->setPlainText(qs(c.toJson().dump(2)));
        problemList_.clear();
        for (const std::string &p : c.validate())
            problemList_ << qs(p);
        if (problemList_.isEmpty())
            problems_->setText(tr("No problems found: Launch saves run.json and starts the run."));
        else
            problems_->setText(tr("Launch is disabled until these are fixed:") + QStringLiteral("\n• ")
                               + problemList_.join(QStringLiteral("\n• ")));
        emit completeChanged();
    }

    bool isComplete() const override { return problemList_.isEmpty(); }

private:
    QPlainTextEdit *json_;
    QLabel *problems_;
    QStringList problemList_;
};

// ---------------------------------------------------------------------------------------------

DistillWizard::DistillWizard(QWidget *parent)
    : QWizard(parent), gpus_(new GpuInventory(this)), models_(new DistillModelsPage(this)),
      data_(new DistillDataPage(this)), method_(new DistillMethodPage(this)), training_(new DistillTrainingPage(this)),
      review_(new DistillReviewPage(this))
{
    setWindowTitle(tr("New Distillation Run"));
    setPage(ModelsPageId, models_);
    setPage(DataPageId, data_);
    setPage(MethodPageId, method_);
    setPage(TrainingPageId, training_);
    setPage(ReviewPageId, review_);
    setButtonText(QWizard::FinishButton, tr("Launch"));
    connect(method_, &DistillMethodPage::presetChosen, training_, &DistillTrainingPage::presetChosen);
    connect(gpus_, &GpuInventory::finished, models_, &DistillModelsPage::devicesListed);
    connect(gpus_, &GpuInventory::finished, training_, &DistillTrainingPage::devicesListed);
    setConfig(DistillConfig{});
    gpus_->refresh();
}

DistillWizard::~DistillWizard() = default;

void DistillWizard::setGpuQueryProgram(const QString &program)
{
    gpus_->setProgram(program);
    gpus_->refresh();
    models_->devicesListed();
}

void DistillWizard::measure()
{
    training_->measure();
}

void DistillWizard::cancelMeasurement()
{
    training_->cancelMeasurement();
}

bool DistillWizard::isMeasuring() const
{
    return training_->isMeasuring();
}

const TrialResult *DistillWizard::measurement() const
{
    return training_->measurement();
}

void DistillWizard::done(int result)
{
    training_->cancelMeasurement();
    QWizard::done(result);
}

void DistillWizard::setConfig(const DistillConfig &config)
{
    base_ = config;
    models_->load(config);
    data_->load(config);
    method_->load(config);
    training_->load(config);
    if (currentId() == ReviewPageId)
        review_->initializePage();
}

DistillConfig DistillWizard::config() const
{
    DistillConfig c = base_;
    models_->apply(c);
    data_->apply(c);
    method_->apply(c);
    training_->apply(c);
    return c;
}

QString DistillWizard::problem(int pageId) const
{
    if (const auto *p = dynamic_cast<const DistillWizardPage *>(page(pageId)))
        return p->problem();
    return {};
}

void DistillWizard::checkData()
{
    data_->startCheck();
}

bool DistillWizard::isCheckingData() const
{
    return data_->isChecking();
}

std::int64_t DistillWizard::estimateParameters(const ModelConfig &m)
{
    const std::int64_t h = m.text.hiddenSize, inter = m.text.intermediateSize, v = m.text.vocabSize;
    const std::int64_t kv = m.text.heads > 0 ? h / m.text.heads * m.text.kvHeads : h;
    const std::int64_t text = 2 * v * h + m.text.layers * (2 * h * h + 2 * h * kv + 3 * h * inter + 2 * h) + h;
    const std::int64_t vh = m.vision.hiddenSize, vi = m.vision.intermediateSize, p = m.vision.patchSize;
    const std::int64_t grid = p > 0 ? m.vision.imageSize / p : 0;
    const std::int64_t vision = 3 * p * p * vh + vh + (grid * grid + 1) * vh + 4 * vh
                                + m.vision.layers * (4 * (vh * vh + vh) + 2 * vh * vi + vi + vh + 4 * vh);
    const std::int64_t projector = vh * h + h + std::max(0, m.projectorDepth - 1) * (h * h + h);
    return text + vision + projector;
}

std::int64_t DistillWizard::estimateLoraParameters(const ModelConfig &m, int rank, const std::vector<std::string> &targets)
{
    const std::int64_t h = m.text.hiddenSize, inter = m.text.intermediateSize;
    const std::int64_t kv = m.text.heads > 0 ? h / m.text.heads * m.text.kvHeads : h;
    std::int64_t perLayer = 0;
    for (const std::string &t : targets) {
        if (t == "q" || t == "o")
            perLayer += h + h;
        else if (t == "k" || t == "v")
            perLayer += h + kv;
        else if (t == "gate" || t == "up" || t == "down")
            perLayer += h + inter;
    }
    return std::int64_t(rank) * perLayer * m.text.layers;
}

QString DistillWizard::formatBytes(double bytes)
{
    const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int unit = 0;
    while (bytes >= 1024.0 && unit < 4) {
        bytes /= 1024.0;
        ++unit;
    }
    return QString::number(bytes, 'f', unit == 0 ? 0 : 1) + QLatin1Char(' ') + QLatin1String(units[unit]);
}

} // namespace geolens

#include "DistillWizard.moc"

#include "EvaluateDialog.h"

#include "CliProgram.h"
#include "DeviceComboBox.h"
#include "GpuInventory.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QSettings>
#include <QSpinBox>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>

namespace geolens {

namespace {

const char *const SettingsGroup = "evaluate";
const int ProgressSteps = 1000;
// The CLI's answer to SIGTERM: it stops after the current batch with what it answered written.
const int CanceledExitCode = 130;
const int UsageExitCode = 2;
// How long a terminated run may take to write what it has before it is killed.
const int KillAfterMs = 15000;

const char *const Benchmarks[] = {"scene", "vqa", "referring", "grounding", "caption"};
const char *const Dtypes[] = {"auto", "f32", "bf16", "f16"};

QString native(const QString &path)
{
    return QDir::toNativeSeparators(path);
}

} // namespace

EvaluateDialog::EvaluateDialog(QWidget *parent)
    : QDialog(parent), cliPath_(geolensCliPath()), modelsLabel_(new QLabel(this)), models_(new QListWidget(this)),
      addModel_(new QPushButton(this)), removeModel_(new QPushButton(this)), benchmarkLabel_(new QLabel(this)),
      benchmark_(new QComboBox(this)), questionsLabel_(new QLabel(this)), questions_(new QLineEdit(this)),
      browseQuestions_(new QPushButton(this)), imagesLabel_(new QLabel(this)), images_(new QLineEdit(this)),
      browseImages_(new QPushButton(this)), reportLabel_(new QLabel(this)), report_(new QLineEdit(this)),
      browseReport_(new QPushButton(this)), limitLabel_(new QLabel(this)), batchLabel_(new QLabel(this)),
      deviceLabel_(new QLabel(this)), dtypeLabel_(new QLabel(this)), imageSizeLabel_(new QLabel(this)),
      vqaTypesLabel_(new QLabel(this)), limit_(new QSpinBox(this)), batch_(new QSpinBox(this)),
      imageSize_(new QSpinBox(this)), device_(new DeviceComboBox(this)), gpus_(new GpuInventory(this)),
      dtype_(new QComboBox(this)), resume_(new QCheckBox(this)), vqaTypes_(new QLineEdit(this)),
      progress_(new QProgressBar(this)), statusLabel_(new QLabel(this)), run_(new QPushButton(this)),
      cancel_(new QPushButton(this)), close_(new QPushButton(this)), buttons_(new QDialogButtonBox(this)),
      killTimer_(new QTimer(this))
{
    auto *layout = new QVBoxLayout(this);
    auto *form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);

    auto *modelsField = new QHBoxLayout;
    models_->setSelectionMode(QAbstractItemView::ExtendedSelection);
    models_->setMinimumHeight(90);
    modelsField->addWidget(models_, 1);
    auto *modelButtons = new QVBoxLayout;
    modelButtons->addWidget(addModel_);
    modelButtons->addWidget(removeModel_);
    modelButtons->addStretch(1);
    modelsField->addLayout(modelButtons);
    modelsLabel_->setBuddy(models_);
    form->addRow(modelsLabel_, modelsField);

    for (const char *name : Benchmarks)
        benchmark_->addItem(QString(), QString::fromLatin1(name));
    benchmarkLabel_->setBuddy(benchmark_);
    form->addRow(benchmarkLabel_, benchmark_);

    const auto pathRow = [form](QLabel *label, QLineEdit *edit, QPushButton *browse) {
        auto *row = new QHBoxLayout;
        row->addWidget(edit, 1);
        row->addWidget(browse);
        label->setBuddy(edit);
        form->addRow(label, row);
    };
    pathRow(questionsLabel_, questions_, browseQuestions_);
    pathRow(imagesLabel_, images_, browseImages_);
    pathRow(reportLabel_, report_, browseReport_);

    limit_->setRange(0, 100000000);
    limit_->setSpecialValueText(QStringLiteral("0"));
    batch_->setRange(0, 4096);
    imageSize_->setRange(0, 8192);
    imageSize_->setSingleStep(14);
    for (const char *name : Dtypes)
        dtype_->addItem(QString::fromLatin1(name), QString::fromLatin1(name));
    limitLabel_->setBuddy(limit_);
    batchLabel_->setBuddy(batch_);
    deviceLabel_->setBuddy(device_);
    dtypeLabel_->setBuddy(dtype_);
    imageSizeLabel_->setBuddy(imageSize_);
    vqaTypesLabel_->setBuddy(vqaTypes_);
    form->addRow(limitLabel_, limit_);
    form->addRow(batchLabel_, batch_);
    form->addRow(deviceLabel_, device_);
    form->addRow(dtypeLabel_, dtype_);
    form->addRow(imageSizeLabel_, imageSize_);
    form->addRow(vqaTypesLabel_, vqaTypes_);
    form->addRow(QString(), resume_);
    layout->addLayout(form);

    progress_->setRange(0, ProgressSteps);
    progress_->setValue(0);
    progress_->setTextVisible(true);
    layout->addWidget(progress_);
    statusLabel_->setWordWrap(true);
    statusLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    statusLabel_->setMinimumHeight(statusLabel_->fontMetrics().lineSpacing() * 2);
    layout->addWidget(statusLabel_);

    run_->setDefault(true);
    buttons_->addButton(run_, QDialogButtonBox::ActionRole);
    buttons_->addButton(cancel_, QDialogButtonBox::ActionRole);
    buttons_->addButton(close_, QDialogButtonBox::RejectRole);
    layout->addWidget(buttons_);

    connect(addModel_, &QPushButton::clicked, this, &EvaluateDialog::addModel);
    connect(removeModel_, &QPushButton::clicked, this, &EvaluateDialog::removeModels);
    connect(models_, &QListWidget::itemSelectionChanged, this, &EvaluateDialog::updateEnabled);
    connect(benchmark_, &QComboBox::currentIndexChanged, this, &EvaluateDialog::benchmarkChanged);
    connect(browseQuestions_, &QPushButton::clicked, this, &EvaluateDialog::browseQuestions);
    connect(browseImages_, &QPushButton::clicked, this, &EvaluateDialog::browseImages);
    connect(browseReport_, &QPushButton::clicked, this, &EvaluateDialog::browseReport);
    connect(run_, &QPushButton::clicked, this, &EvaluateDialog::runClicked);
    connect(cancel_, &QPushButton::clicked, this, &EvaluateDialog::cancel);
    connect(close_, &QPushButton::clicked, this, &QDialog::reject);
    connect(gpus_, &GpuInventory::finished, this, [this] { device_->setGpus(gpus_->gpus()); });
    killTimer_->setSingleShot(true);
    killTimer_->setInterval(KillAfterMs);
    connect(killTimer_, &QTimer::timeout, this, [this] {
        if (process_)
            process_->kill();
    });

    loadSettings();
    retranslate();
    benchmarkChanged();
    resize(720, sizeHint().height());
}

EvaluateDialog::~EvaluateDialog()
{
    if (process_ && process_->state() != QProcess::NotRunning) {
        process_->disconnect(this);
        process_->terminate();
        if (!process_->waitForFinished(3000))
            process_->kill();
        process_->waitForFinished(1000);
    }
}

void EvaluateDialog::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QDialog::changeEvent(event);
}

void EvaluateDialog::showEvent(QShowEvent *event)
{
    // nvidia-smi is asked once, when the dialog is first shown, and answers asynchronously.
    if (!gpusAsked_) {
        gpusAsked_ = true;
        gpus_->refresh();
    }
    QDialog::showEvent(event);
}

void EvaluateDialog::retranslate()
{
    setWindowTitle(tr("Evaluate Models"));
    modelsLabel_->setText(tr("&Models:"));
    models_->setToolTip(tr("The model folders to evaluate, each with its config.json; the report shows them side "
                           "by side in this order, named after their folders"));
    addModel_->setText(tr("&Add..."));
    addModel_->setToolTip(tr("Add a model folder"));
    removeModel_->setText(tr("&Remove"));
    removeModel_->setToolTip(tr("Remove the selected model folders"));
    benchmarkLabel_->setText(tr("&Benchmark:"));
    const QStringList benchmarkNames{tr("Scene classification"), tr("Visual question answering"),
                                     tr("Referring expressions"), tr("Grounding"), tr("Captioning")};
    for (int i = 0; i < benchmark_->count() && i < benchmarkNames.size(); ++i)
        benchmark_->setItemText(i, benchmarkNames.at(i));
    benchmark_->setToolTip(tr("What the models are asked and how their answers are scored"));
    questionsLabel_->setText(tr("&Questions file:"));
    browseQuestions_->setText(tr("Browse..."));
    imagesLabel_->setText(tr("&Images folder:"));
    images_->setToolTip(tr("The folder the questions' images are found in; for scene classification without a "
                           "questions file, one sub-folder per class"));
    browseImages_->setText(tr("Browse..."));
    reportLabel_->setText(tr("Re&port folder:"));
    report_->setToolTip(tr("Where the report is written: the scores, every answer, the summary table and report.html"));
    browseReport_->setText(tr("Browse..."));
    limitLabel_->setText(tr("&Limit:"));
    limit_->setSpecialValueText(tr("all questions"));
    limit_->setSuffix(tr(" questions"));
    limit_->setToolTip(tr("Ask only this many questions, spread over the benchmark, for a quicker estimate"));
    batchLabel_->setText(tr("Ba&tch:"));
    batch_->setSpecialValueText(tr("default"));
    batch_->setToolTip(tr("Questions answered together; more is faster until the device's memory runs out"));
    deviceLabel_->setText(tr("&Device:"));
    device_->setToolTip(tr("Where the models run: auto takes the first GPU when there is one"));
    dtypeLabel_->setText(tr("&Precision:"));
    dtype_->setToolTip(tr("The numbers the models compute with: auto is bf16 on a GPU that has it and f32 on the CPU"));
    imageSizeLabel_->setText(tr("Image si&ze:"));
    imageSize_->setSpecialValueText(tr("the model's"));
    imageSize_->setSuffix(tr(" px"));
    imageSize_->setToolTip(tr("The side of the square the images are resized to; the model's own size unless set"));
    vqaTypesLabel_->setText(tr("Question &types:"));
    vqaTypes_->setPlaceholderText(tr("all types, or e.g. presence,comparison"));
    vqaTypes_->setToolTip(tr("Visual question answering only: the question types to ask, separated by commas"));
    resume_->setText(tr("R&esume: keep the answers already in the report folder and ask only the rest"));
    resume_->setToolTip(tr("Continue an evaluation that was canceled or failed, without asking again what it answered"));
    run_->setText(tr("&Run"));
    run_->setToolTip(tr("Start geolens-cli evaluate with these settings"));
    cancel_->setText(tr("&Cancel Run"));
    cancel_->setToolTip(tr("Stop the evaluation; what was answered stays in the report folder, and Resume continues it"));
    close_->setText(tr("Close"));
    close_->setToolTip(tr("Hide this dialog; a run goes on and its report opens when it is done"));
    benchmarkChanged();
    if (!isRunning() && status_.isEmpty())
        progress_->setFormat(tr("Not started"));
}

void EvaluateDialog::benchmarkChanged()
{
    const bool scene = benchmark() == QLatin1String("scene");
    questions_->setPlaceholderText(scene ? tr("optional: without one, each sub-folder of the images folder is a class")
                                         : tr("required: the benchmark's questions (JSON or JSONL)"));
    questions_->setToolTip(scene ? tr("Scene classification reads its classes from the images folder's sub-folders "
                                      "unless a questions file is given")
                                 : tr("The benchmark's questions and their true answers"));
    updateEnabled();
}

void EvaluateDialog::updateEnabled()
{
    const bool idle = !isRunning();
    for (QWidget *w : std::initializer_list<QWidget *>{models_, addModel_, benchmark_, questions_, browseQuestions_,
                                                      images_, browseImages_, report_, browseReport_, limit_, batch_,
                                                      device_, dtype_, imageSize_, resume_})
        w->setEnabled(idle);
    removeModel_->setEnabled(idle && !models_->selectedItems().isEmpty());
    const bool vqa = benchmark() == QLatin1String("vqa");
    vqaTypes_->setEnabled(idle && vqa);
    vqaTypesLabel_->setEnabled(vqa);
    run_->setEnabled(idle);
    cancel_->setEnabled(!idle);
}

void EvaluateDialog::setModels(const QStringList &folders)
{
    models_->clear();
    for (const QString &folder : folders)
        if (!folder.isEmpty())
            models_->addItem(QDir::cleanPath(folder));
    updateEnabled();
}

QStringList EvaluateDialog::models() const
{
    QStringList folders;
    for (int i = 0; i < models_->count(); ++i)
        folders << models_->item(i)->text();
    return folders;
}

void EvaluateDialog::setBenchmark(const QString &benchmark)
{
    const int index = benchmark_->findData(benchmark.toLower());
    if (index >= 0)
        benchmark_->setCurrentIndex(index);
}

QString EvaluateDialog::benchmark() const
{
    return benchmark_->currentData().toString();
}

void EvaluateDialog::setQuestionsFile(const QString &path) { questions_->setText(path); }
QString EvaluateDialog::questionsFile() const { return questions_->text().trimmed(); }
void EvaluateDialog::setImagesFolder(const QString &path) { images_->setText(path); }
QString EvaluateDialog::imagesFolder() const { return images_->text().trimmed(); }
void EvaluateDialog::setReportFolder(const QString &path) { report_->setText(path); }
QString EvaluateDialog::reportFolder() const { return report_->text().trimmed(); }
void EvaluateDialog::setLimit(int questions) { limit_->setValue(questions); }
int EvaluateDialog::limit() const { return limit_->value(); }
void EvaluateDialog::setBatch(int questions) { batch_->setValue(questions); }
int EvaluateDialog::batch() const { return batch_->value(); }
void EvaluateDialog::setDevice(const QString &device) { device_->setDevice(device); }
QString EvaluateDialog::device() const { return device_->device(); }
void EvaluateDialog::setImageSize(int pixels) { imageSize_->setValue(pixels); }
int EvaluateDialog::imageSize() const { return imageSize_->value(); }
void EvaluateDialog::setResume(bool resume) { resume_->setChecked(resume); }
bool EvaluateDialog::resume() const { return resume_->isChecked(); }
void EvaluateDialog::setVqaTypes(const QString &types) { vqaTypes_->setText(types); }
QString EvaluateDialog::vqaTypes() const { return vqaTypes_->text().trimmed(); }

void EvaluateDialog::setDtype(const QString &dtype)
{
    const int index = dtype_->findData(dtype.toLower());
    if (index >= 0)
        dtype_->setCurrentIndex(index);
}

QString EvaluateDialog::dtype() const
{
    return dtype_->currentData().toString();
}

QString EvaluateDialog::validate() const
{
    const QStringList folders = models();
    if (folders.isEmpty())
        return tr("Add at least one model folder.");
    QStringList names;
    for (const QString &folder : folders) {
        if (!QFileInfo(folder).isDir())
            return tr("The model folder %1 does not exist.").arg(native(folder));
        if (!QFileInfo::exists(QDir(folder).filePath(QStringLiteral("config.json"))))
            return tr("%1 holds no config.json: it is not a model folder.").arg(native(folder));
        const QString name = QFileInfo(QDir::cleanPath(folder)).fileName();
        if (names.contains(name))
            return tr("Two model folders are named %1. The report names each model after its folder: rename one.").arg(name);
        names << name;
    }
    const QString questions = questionsFile();
    if (questions.isEmpty() && benchmark() != QLatin1String("scene"))
        return tr("Choose the questions file: the %1 benchmark needs one.").arg(benchmark_->currentText());
    if (!questions.isEmpty() && !QFileInfo(questions).isFile())
        return tr("The questions file %1 does not exist.").arg(native(questions));
    if (imagesFolder().isEmpty())
        return tr("Choose the images folder.");
    if (!QFileInfo(imagesFolder()).isDir())
        return tr("The images folder %1 does not exist.").arg(native(imagesFolder()));
    if (reportFolder().isEmpty())
        return tr("Choose the report folder.");
    if (QFileInfo::exists(reportFolder()) && !QFileInfo(reportFolder()).isDir())
        return tr("%1 is a file, not a folder: choose another report folder.").arg(native(reportFolder()));
    static const QRegularExpression devicePattern(QStringLiteral("^(auto|cpu|cuda(:\\d+)?)$"));
    if (!devicePattern.match(device()).hasMatch())
        return tr("%1 is not a device: use auto, cpu, cuda or cuda:N.").arg(device());
    static const QRegularExpression typesPattern(QStringLiteral("^[A-Za-z0-9_-]+( *, *[A-Za-z0-9_-]+)*$"));
    if (benchmark() == QLatin1String("vqa") && !vqaTypes().isEmpty() && !typesPattern.match(vqaTypes()).hasMatch())
        return tr("Write the question types as names separated by commas, such as presence,comparison.");
    return {};
}

QStringList EvaluateDialog::arguments() const
{
    QStringList args{QStringLiteral("evaluate")};
    for (const QString &folder : models())
        args << QStringLiteral("--model") << folder;
    args << QStringLiteral("--benchmark") << benchmark();
    if (!questionsFile().isEmpty())
        args << QStringLiteral("--questions") << questionsFile();
    args << QStringLiteral("--images") << imagesFolder();
    args << QStringLiteral("--out") << reportFolder();
    if (limit() > 0)
        args << QStringLiteral("--limit") << QString::number(limit());
    if (batch() > 0)
        args << QStringLiteral("--batch") << QString::number(batch());
    args << QStringLiteral("--device") << device();
    args << QStringLiteral("--dtype") << dtype();
    if (imageSize() > 0)
        args << QStringLiteral("--image-size") << QString::number(imageSize());
    if (resume())
        args << QStringLiteral("--resume");
    if (benchmark() == QLatin1String("vqa") && !vqaTypes().isEmpty())
        args << QStringLiteral("--vqa-types") << QString(vqaTypes()).remove(QLatin1Char(' '));
    args << QStringLiteral("--json");
    return args;
}

void EvaluateDialog::addModel()
{
    const QString start = models_->count() > 0 ? QFileInfo(models_->item(models_->count() - 1)->text()).absolutePath()
                                               : QString();
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Add a Model Folder"), start);
    if (!folder.isEmpty() && !models().contains(QDir::cleanPath(folder)))
        models_->addItem(QDir::cleanPath(folder));
    updateEnabled();
}

void EvaluateDialog::removeModels()
{
    qDeleteAll(models_->selectedItems());
    updateEnabled();
}

void EvaluateDialog::browseQuestions()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Questions File"), questionsFile(),
                                                      tr("Questions (*.json *.jsonl);;All files (*)"));
    if (!path.isEmpty())
        questions_->setText(path);
}

void EvaluateDialog::browseImages()
{
    const QString path = QFileDialog::getExistingDirectory(this, tr("Images Folder"), imagesFolder());
    if (!path.isEmpty())
        images_->setText(path);
}

void EvaluateDialog::browseReport()
{
    const QString path = QFileDialog::getExistingDirectory(this, tr("Report Folder"), reportFolder());
    if (!path.isEmpty())
        report_->setText(path);
}

void EvaluateDialog::loadSettings()
{
    QSettings settings;
    settings.beginGroup(QLatin1String(SettingsGroup));
    setModels(settings.value(QStringLiteral("models")).toStringList());
    setBenchmark(settings.value(QStringLiteral("benchmark"), QStringLiteral("scene")).toString());
    setQuestionsFile(settings.value(QStringLiteral("questions")).toString());
    setImagesFolder(settings.value(QStringLiteral("images")).toString());
    setReportFolder(settings.value(QStringLiteral("report")).toString());
    setLimit(settings.value(QStringLiteral("limit"), 0).toInt());
    setBatch(settings.value(QStringLiteral("batch"), 0).toInt());
    setDevice(settings.value(QStringLiteral("device"), QStringLiteral("auto")).toString());
    setDtype(settings.value(QStringLiteral("dtype"), QStringLiteral("auto")).toString());
    setImageSize(settings.value(QStringLiteral("imageSize"), 0).toInt());
    setResume(settings.value(QStringLiteral("resume"), false).toBool());
    setVqaTypes(settings.value(QStringLiteral("vqaTypes")).toString());
}

void EvaluateDialog::saveSettings() const
{
    QSettings settings;
    settings.beginGroup(QLatin1String(SettingsGroup));
    settings.setValue(QStringLiteral("models"), models());
    settings.setValue(QStringLiteral("benchmark"), benchmark());
    settings.setValue(QStringLiteral("questions"), questionsFile());
    settings.setValue(QStringLiteral("images"), imagesFolder());
    settings.setValue(QStringLiteral("report"), reportFolder());
    settings.setValue(QStringLiteral("limit"), limit());
    settings.setValue(QStringLiteral("batch"), batch());
    settings.setValue(QStringLiteral("device"), device());
    settings.setValue(QStringLiteral("dtype"), dtype());
    settings.setValue(QStringLiteral("imageSize"), imageSize());
    settings.setValue(QStringLiteral("resume"), resume());
    settings.setValue(QStringLiteral("vqaTypes"), vqaTypes());
}

bool EvaluateDialog::isRunning() const
{
    return process_ && process_->state() != QProcess::NotRunning;
}

QString EvaluateDialog::statusText() const
{
    return status_;
}

void EvaluateDialog::setStatus(const QString &text, bool problem)
{
    status_ = text;
    statusLabel_->setText(text);
    statusLabel_->setStyleSheet(problem ? QStringLiteral("color: #b00020;") : QString());
}

QStringList EvaluateDialog::modelsWithEarlierAnswers() const
{
    QStringList names;
    if (reportFolder().isEmpty())
        return names;
    for (const QString &folder : models()) {
        // The CLI names a model by its folder, as in predictions-<name>.jsonl.
        const QString name = QFileInfo(QDir::cleanPath(folder)).fileName();
        const QFileInfo predictions(QDir(reportFolder()).filePath(QStringLiteral("predictions-%1.jsonl").arg(name)));
        if (predictions.exists() && predictions.size() > 0)
            names << name;
    }
    return names;
}

void EvaluateDialog::runClicked()
{
    // The CLI refuses to mix a new run into earlier answers; asking here saves the user a failed
    // start and says what Resume does.
    const QStringList earlier = resume() ? QStringList() : modelsWithEarlierAnswers();
    if (!earlier.isEmpty()) {
        const auto choice = QMessageBox::question(
            this, tr("Earlier Answers"),
            tr("The report folder already holds answers of %1 from an earlier run.\n\nResume that run and ask only "
               "the questions not answered yet? Choose No to pick another report folder.")
                .arg(earlier.join(QStringLiteral(", "))),
            QMessageBox::Yes | QMessageBox::No, QMessageBox::Yes);
        if (choice != QMessageBox::Yes)
            return;
        setResume(true);
    }
    start();
}

bool EvaluateDialog::start()
{
    if (isRunning()) {
        error_ = tr("An evaluation is already running.");
        return false;
    }
    error_ = validate();
    if (!error_.isEmpty()) {
        setStatus(error_, true);
        return false;
    }
    const QString program = executableProgram(cliPath_);
    if (program.isEmpty()) {
        error_ = tr("%1 is not an executable program.").arg(native(cliPath_));
        setStatus(error_, true);
        return false;
    }
    saveSettings();

    delete process_;
    process_ = new QProcess(this);
    process_->setProgram(program);
    process_->setArguments(arguments());
    process_->setStandardInputFile(QProcess::nullDevice());
    connect(process_, &QProcess::readyReadStandardOutput, this, &EvaluateDialog::readStdout);
    connect(process_, &QProcess::readyReadStandardError, this, &EvaluateDialog::readStderr);
    connect(process_, &QProcess::finished, this, &EvaluateDialog::processFinished);
    connect(process_, &QProcess::errorOccurred, this, &EvaluateDialog::processFailed);
    stdoutPartial_.clear();
    lastStderrLine_.clear();
    announcedReport_.clear();
    finishedReport_.clear();
    currentModel_.clear();
    canceled_ = false;
    modelIndex_ = 0;
    modelCount_ = static_cast<int>(models().size());
    progress_->setRange(0, ProgressSteps);
    progress_->setValue(0);
    progress_->setFormat(tr("Starting..."));
    setStatus(tr("Starting geolens-cli evaluate..."));
    process_->start();
    updateEnabled();
    emit runStarted();
    return true;
}

void EvaluateDialog::cancel()
{
    if (!isRunning())
        return;
    canceled_ = true;
    process_->terminate();
    killTimer_->start();
    setStatus(tr("Canceling: the evaluation writes what it has answered, then stops..."));
    cancel_->setEnabled(false);
}

void EvaluateDialog::readStdout()
{
    stdoutPartial_ += process_->readAllStandardOutput();
    qsizetype end;
    while ((end = stdoutPartial_.indexOf('\n')) >= 0) {
        const QByteArray line = stdoutPartial_.left(end).trimmed();
        stdoutPartial_.remove(0, end + 1);
        if (!line.isEmpty())
            handleLine(line);
    }
}

void EvaluateDialog::readStderr()
{
    const QStringList lines = QString::fromUtf8(process_->readAllStandardError()).split(QLatin1Char('\n'));
    for (const QString &line : lines)
        if (!line.trimmed().isEmpty())
            lastStderrLine_ = line.trimmed();
}

void EvaluateDialog::handleLine(const QByteArray &line)
{
    const QJsonDocument document = QJsonDocument::fromJson(line);
    if (!document.isObject())
        return; // a line meant for a terminal
    const QJsonObject event = document.object();
    const QString kind = event.value(QLatin1String("event")).toString();
    if (kind == QLatin1String("benchmark")) {
        setStatus(tr("%1: %2 questions").arg(event.value(QLatin1String("dataset")).toString())
                      .arg(event.value(QLatin1String("questions")).toInt()));
    } else if (kind == QLatin1String("model")) {
        currentModel_ = event.value(QLatin1String("model")).toString();
        modelIndex_ = std::max(1, event.value(QLatin1String("index")).toInt());
        modelCount_ = std::max(modelIndex_, event.value(QLatin1String("models")).toInt(modelCount_));
        const QString state = event.value(QLatin1String("state")).toString();
        if (state == QLatin1String("loading"))
            setStatus(tr("Loading %1 (model %2 of %3)...").arg(currentModel_).arg(modelIndex_).arg(modelCount_));
        else
            setStatus(tr("%1 (model %2 of %3): %4").arg(currentModel_).arg(modelIndex_).arg(modelCount_).arg(state));
        progress_->setValue(ProgressSteps * (modelIndex_ - 1) / std::max(1, modelCount_));
        progress_->setFormat(tr("%1: loading").arg(currentModel_));
    } else if (kind == QLatin1String("progress")) {
        const QString model = event.value(QLatin1String("model")).toString(currentModel_);
        const int done = event.value(QLatin1String("done")).toInt();
        const int total = event.value(QLatin1String("total")).toInt();
        const int index = std::max(1, modelIndex_);
        const double fraction = total > 0 ? std::clamp(double(done) / total, 0.0, 1.0) : 0.0;
        progress_->setValue(int(ProgressSteps * ((index - 1) + fraction) / std::max(index, modelCount_)));
        progress_->setFormat(modelCount_ > 1 ? tr("%1 (%2 of %3): %4 / %5 questions")
                                                   .arg(model)
                                                   .arg(index)
                                                   .arg(modelCount_)
                                                   .arg(done)
                                                   .arg(total)
                                             : tr("%1: %2 / %3 questions").arg(model).arg(done).arg(total));
        setStatus(tr("Asking %1...").arg(model));
    } else if (kind == QLatin1String("report")) {
        announcedReport_ = event.value(QLatin1String("dir")).toString();
        setStatus(tr("Writing the report in %1...").arg(native(announcedReport_)));
    }
}

void EvaluateDialog::processFinished(int exitCode, QProcess::ExitStatus status)
{
    killTimer_->stop();
    readStdout();
    readStderr();
    const QString reason = lastStderrLine_;
    int code = exitCode;
    if (status == QProcess::CrashExit) {
        code = -1;
        if (canceled_) {
            error_.clear();
            setStatus(tr("Canceled. The questions answered so far are kept in %1; check Resume and Run to continue.")
                          .arg(native(reportFolder())));
            progress_->setFormat(tr("Canceled"));
        } else {
            error_ = reason.isEmpty() ? tr("geolens-cli evaluate ended abnormally.")
                                      : tr("geolens-cli evaluate ended abnormally: %1").arg(reason);
            setStatus(error_, true);
            progress_->setFormat(tr("Failed"));
        }
    } else if (exitCode == 0) {
        error_.clear();
        finishedReport_ = announcedReport_.isEmpty() ? QFileInfo(reportFolder()).absoluteFilePath() : announcedReport_;
        progress_->setValue(ProgressSteps);
        progress_->setFormat(tr("Done"));
        setStatus(tr("Finished: the report is in %1.").arg(native(finishedReport_)));
    } else if (exitCode == CanceledExitCode) {
        error_.clear();
        setStatus(tr("Canceled. The questions answered so far are kept in %1; check Resume and Run to continue.")
                      .arg(native(reportFolder())));
        progress_->setFormat(tr("Canceled"));
    } else if (exitCode == UsageExitCode) {
        error_ = tr("geolens-cli did not accept the settings: %1").arg(reason.isEmpty() ? tr("(no message)") : reason);
        setStatus(error_, true);
        progress_->setFormat(tr("Failed"));
    } else {
        error_ = tr("The evaluation failed: %1").arg(reason.isEmpty() ? tr("exit code %1").arg(exitCode) : reason);
        setStatus(error_, true);
        progress_->setFormat(tr("Failed"));
    }
    updateEnabled();
    emit runFinished(code);
    if (status == QProcess::NormalExit && exitCode == 0)
        emit reportReady(finishedReport_);
}

void EvaluateDialog::processFailed(QProcess::ProcessError error)
{
    if (error != QProcess::FailedToStart)
        return; // the others end in finished(), handled there
    killTimer_->stop();
    error_ = tr("%1 could not be started: %2").arg(native(process_->program()), process_->errorString());
    setStatus(error_, true);
    progress_->setFormat(tr("Failed"));
    updateEnabled();
    emit runFinished(-1);
}

} // namespace geolens

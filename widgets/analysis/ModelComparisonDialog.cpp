#include "ModelComparisonDialog.h"

#include "DeviceComboBox.h"
#include "GpuInventory.h"
#include "TaskRunner.h"
#include "evaluation/ScenePresets.h"
#include "common/AtomicFile.h"
#include "common/JsonIo.h"
#include "model/DeviceName.h"
#include "raster/RasterDataset.h"

#include <QButtonGroup>
#include <QComboBox>
#include <QDir>
#include <QEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSettings>
#include <QTableWidget>
#include <QVBoxLayout>

namespace geolens {

namespace {

const char *const TeacherKey = "compare/teacher";
const char *const StudentKey = "compare/student";
const char *const TeacherDeviceKey = "compare/teacherDevice";
const char *const StudentDeviceKey = "compare/studentDevice";
const char *const TaskKey = "compare/task";
const char *const TextsKey = "compare/texts";
const char *const MapShowsKey = "compare/mapShows";

constexpr ComparisonTask::Kind Kinds[] = {ComparisonTask::Kind::Scene, ComparisonTask::Kind::Refer,
                                          ComparisonTask::Kind::Grounding, ComparisonTask::Kind::Question};

int kindIndex(ComparisonTask::Kind kind)
{
    for (int i = 0; i < 4; ++i)
        if (Kinds[i] == kind)
            return i;
    return 0;
}

QString qs(const std::string &s)
{
    return QString::fromStdString(s);
}

QString defaultText(ComparisonTask::Kind kind)
{
    switch (kind) {
    case ComparisonTask::Kind::Scene: {
        QStringList classes;
        for (const std::string &c : scenePreset("ucm").classes)
            classes << qs(c);
        return classes.join(QStringLiteral(", "));
    }
    case ComparisonTask::Kind::Refer:
        return QStringLiteral("airplanes");
    case ComparisonTask::Kind::Grounding:
        return QString();
    case ComparisonTask::Kind::Question:
        return QStringLiteral("What is in this image?");
    }
    return QString();
}

QTableWidgetItem *item(const QString &text, const QString &toolTip = QString())
{
    auto *i = new QTableWidgetItem(QString(text).replace(QLatin1Char('\n'), QLatin1Char(' ')));
    i->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
    i->setToolTip(toolTip.isEmpty() ? text : toolTip);
    return i;
}

QTableWidgetItem *number(double value, int decimals)
{
    auto *i = item(QString::number(value, 'f', decimals));
    i->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return i;
}

bool hasModel(const QString &folder)
{
    return QFileInfo::exists(QDir(folder).filePath(QStringLiteral("config.json")));
}

} // namespace

ModelComparisonDialog::ModelComparisonDialog(QWidget *parent)
    : QDialog(parent), teacherLabel_(new QLabel(this)), studentLabel_(new QLabel(this)),
      teacherDeviceLabel_(new QLabel(this)), studentDeviceLabel_(new QLabel(this)), taskLabel_(new QLabel(this)),
      textLabel_(new QLabel(this)), tilesLabel_(new QLabel(this)), mapLabel_(new QLabel(this)),
      teacher_(new QLineEdit(this)), student_(new QLineEdit(this)), text_(new QLineEdit(this)),
      teacherBrowse_(new QPushButton(this)), studentBrowse_(new QPushButton(this)), compare_(new QPushButton(this)),
      save_(new QPushButton(this)), teacherDevice_(new DeviceComboBox(this)), studentDevice_(new DeviceComboBox(this)),
      task_(new QComboBox(this)), gpus_(new GpuInventory(this)), problem_(new QLabel(this)), summary_(new QLabel(this)),
      table_(new QTableWidget(this)), mapGroup_(new QButtonGroup(this)), runner_(new TaskRunner(this, this))
{
    const QSettings settings;
    for (ComparisonTask::Kind kind : Kinds)
        texts_ << defaultText(kind);
    const QStringList saved = settings.value(TextsKey).toStringList();
    for (int i = 0; i < std::min<int>(saved.size(), texts_.size()); ++i)
        if (!saved[i].isEmpty())
            texts_[i] = saved[i];

    auto *form = new QFormLayout;
    const auto folderRow = [&](QLabel *label, QLineEdit *edit, QPushButton *browse) {
        auto *row = new QHBoxLayout;
        row->addWidget(edit, 1);
        row->addWidget(browse);
        form->addRow(label, row);
    };
    folderRow(teacherLabel_, teacher_, teacherBrowse_);
    form->addRow(teacherDeviceLabel_, teacherDevice_);
    folderRow(studentLabel_, student_, studentBrowse_);
    form->addRow(studentDeviceLabel_, studentDevice_);
    form->addRow(taskLabel_, task_);
    form->addRow(textLabel_, text_);
    form->addRow(QString(), tilesLabel_);
    connect(gpus_, &GpuInventory::finished, this, [this] {
        for (DeviceComboBox *device : {teacherDevice_, studentDevice_})
            device->setGpus(gpus_->gpus());
    });
    gpus_->refresh();
    teacher_->setText(settings.value(TeacherKey).toString());
    student_->setText(settings.value(StudentKey).toString());
    teacherDevice_->setDevice(settings.value(TeacherDeviceKey, QStringLiteral("auto")).toString());
    studentDevice_->setDevice(settings.value(StudentDeviceKey, QStringLiteral("auto")).toString());
    for (int i = 0; i < 4; ++i)
        task_->addItem(QString());
    shownTask_ = std::clamp(settings.value(TaskKey, 0).toInt(), 0, 3);
    task_->setCurrentIndex(shownTask_);
    text_->setText(texts_[shownTask_]);

    problem_->setWordWrap(true);
    problem_->setStyleSheet(QStringLiteral("color: #b00020"));
    problem_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    problem_->hide();
    summary_->setWordWrap(true);
    summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);

    table_->setColumnCount(6);
    table_->verticalHeader()->hide();
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setWordWrap(false);
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table_->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
    table_->horizontalHeader()->setSectionResizeMode(2, QHeaderView::Stretch);

    auto *mapRow = new QHBoxLayout;
    mapRow->addWidget(mapLabel_);
    for (MapShows shows : {MapShows::Student, MapShows::Teacher, MapShows::Nothing}) {
        auto *button = new QRadioButton(this);
        mapGroup_->addButton(button, static_cast<int>(shows));
        mapButtons_ << button;
        mapRow->addWidget(button);
    }
    mapRow->addStretch(1);
    mapRow->addWidget(save_);
    const int savedShows = settings.value(MapShowsKey, static_cast<int>(MapShows::Student)).toInt();
    (mapGroup_->button(savedShows) ? mapGroup_->button(savedShows) : mapButtons_.front())->setChecked(true);

    auto *buttons = new QHBoxLayout;
    buttons->addStretch(1);
    buttons->addWidget(compare_);
    compare_->setDefault(true);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addLayout(buttons);
    layout->addWidget(problem_);
    layout->addWidget(table_, 1);
    layout->addWidget(summary_);
    layout->addLayout(mapRow);
    save_->setEnabled(false);

    connect(teacherBrowse_, &QPushButton::clicked, this, [this] { chooseFolder(teacher_, tr("Teacher Model Folder")); });
    connect(studentBrowse_, &QPushButton::clicked, this, [this] { chooseFolder(student_, tr("Student Model Folder")); });
    connect(task_, qOverload<int>(&QComboBox::currentIndexChanged), this, &ModelComparisonDialog::taskChanged);
    connect(compare_, &QPushButton::clicked, this, [this] { start(); });
    connect(mapGroup_, &QButtonGroup::idClicked, this, [this](int id) {
        QSettings().setValue(MapShowsKey, id);
        emitMapResults();
    });
    connect(save_, &QPushButton::clicked, this, [this] {
        const QString start = QSettings().value(QStringLiteral("compare/reportDir"), QDir::homePath()).toString();
        const QString path = QFileDialog::getSaveFileName(this, tr("Save Comparison Report"),
                                                          start + QStringLiteral("/comparison.json"),
                                                          tr("JSON report (*.json)"));
        if (path.isEmpty())
            return;
        QSettings().setValue(QStringLiteral("compare/reportDir"), QFileInfo(path).absolutePath());
        saveReport(path);
    });

    resize(980, 640);
    retranslate();
}

ModelComparisonDialog::~ModelComparisonDialog() = default;

void ModelComparisonDialog::setRaster(std::shared_ptr<const RasterDataset> raster, const DisplaySettings &display,
                                      double overlap)
{
    raster_ = std::move(raster);
    display_ = display;
    overlap_ = overlap;
}

void ModelComparisonDialog::setTiles(const QList<int> &tileIds)
{
    tiles_ = tileIds;
    tilesLabel_->setText(tilesText());
}

void ModelComparisonDialog::setModels(const QString &teacherFolder, const QString &studentFolder)
{
    if (!teacherFolder.isEmpty())
        teacher_->setText(teacherFolder);
    if (!studentFolder.isEmpty())
        student_->setText(studentFolder);
}

void ModelComparisonDialog::setTask(ComparisonTask::Kind kind, const QString &text)
{
    const int index = kindIndex(kind);
    if (!text.isEmpty()) {
        texts_[index] = text;
        if (task_->currentIndex() == index)
            text_->setText(text);
    }
    task_->setCurrentIndex(index);
}

void ModelComparisonDialog::setLoadOptions(const ModelLoadOptions &options)
{
    loadOptions_ = options;
    loadOptions_.progress = nullptr;
}

QString ModelComparisonDialog::problem() const
{
    return problem_->isHidden() ? QString() : problem_->text();
}

void ModelComparisonDialog::setProblem(const QString &text)
{
    problem_->setText(text);
    problem_->setVisible(!text.isEmpty());
}

ComparisonTask ModelComparisonDialog::currentTask() const
{
    ComparisonTask task;
    task.kind = Kinds[std::clamp(task_->currentIndex(), 0, 3)];
    const QString text = text_->text().trimmed();
    if (task.kind == ComparisonTask::Kind::Scene) {
        for (const QString &c : text.split(QLatin1Char(','), Qt::SkipEmptyParts))
            if (!c.trimmed().isEmpty())
                task.classes.push_back(c.trimmed().toStdString());
    } else if (task.kind != ComparisonTask::Kind::Grounding) {
        task.text = text.toStdString();
    }
    return task;
}

QString ModelComparisonDialog::tilesText() const
{
    if (tiles_.isEmpty())
        return tr("No tiles are selected: select the tiles to compare on the map first (click, Ctrl+click).");
    QStringList ids;
    for (int id : tiles_)
        ids << QString::number(id);
    if (ids.size() > 12)
        ids = ids.mid(0, 12) << QStringLiteral("...");
    return tr("On %n selected tile(s): %1", nullptr, static_cast<int>(tiles_.size())).arg(ids.join(QStringLiteral(", ")));
}

bool ModelComparisonDialog::isRunning() const
{
    return runner_->isBusy();
}

bool ModelComparisonDialog::start()
{
    if (runner_->isBusy())
        return false;
    const QString teacher = teacher_->text().trimmed();
    const QString student = student_->text().trimmed();
    const ComparisonTask task = currentTask();
    QString why;
    if (!raster_)
        why = tr("Open a raster first: the models are compared on its tiles.");
    else if (tiles_.isEmpty())
        why = tr("Select the tiles to compare on the map first (click a tile, Ctrl+click for more).");
    else if (tiles_.size() > ModelComparisonJob::MaxTiles)
        why = tr("%1 tiles are selected; a comparison takes at most %2.").arg(tiles_.size()).arg(ModelComparisonJob::MaxTiles);
    else if (teacher.isEmpty() || !hasModel(teacher))
        why = teacher.isEmpty() ? tr("Choose the teacher's model folder.")
                                : tr("The teacher folder %1 holds no config.json, so it is not a model folder.")
                                      .arg(QDir::toNativeSeparators(teacher));
    else if (student.isEmpty() || !hasModel(student))
        why = student.isEmpty() ? tr("Choose the student's model folder.")
                                : tr("The student folder %1 holds no config.json, so it is not a model folder.")
                                      .arg(QDir::toNativeSeparators(student));
    else if (task.kind == ComparisonTask::Kind::Scene && task.classes.empty())
        why = tr("List the scene classes, separated by commas.");
    else if (task.kind == ComparisonTask::Kind::Refer && task.text.empty())
        why = tr("Say what to find, such as \"airplanes\".");
    else if (task.kind == ComparisonTask::Kind::Question && task.text.empty())
        why = tr("Type the question both models should answer.");
    ModelLoadOptions teacherOptions = loadOptions_, studentOptions = loadOptions_;
    if (why.isEmpty()) {
        try {
            applyDeviceName(teacherDevice_->device().toStdString(), teacherOptions);
        } catch (const std::exception &) {
            why = tr("The teacher's device must be auto, cpu or cuda:N, not \"%1\".").arg(teacherDevice_->device());
        }
    }
    if (why.isEmpty()) {
        try {
            applyDeviceName(studentDevice_->device().toStdString(), studentOptions);
        } catch (const std::exception &) {
            why = tr("The student's device must be auto, cpu or cuda:N, not \"%1\".").arg(studentDevice_->device());
        }
    }
    setProblem(why);
    if (!why.isEmpty())
        return false;
    saveSettings();

    std::vector<int> ids(tiles_.begin(), tiles_.end());
    auto job = std::make_shared<ModelComparisonJob>(raster_, display_, task, ids, TileGrid::DefaultTileSize, overlap_);
    const std::string teacherFolder = teacher.toStdString(), studentFolder = student.toStdString();
    const TaskRunner::Task title{tr("Compare Teacher and Student"),
                                 tr("Running %1 and then %2 on %n tile(s)...", nullptr, static_cast<int>(ids.size()))
                                     .arg(QFileInfo(teacher).fileName(), QFileInfo(student).fileName())};
    compare_->setEnabled(false);
    runner_->run(
        title,
        [job, teacherFolder, studentFolder, teacherOptions, studentOptions](const JobProgress &progress) {
            return job->run(teacherFolder, teacherOptions, studentFolder, studentOptions, progress);
        },
        [this](TaskOutcome outcome, std::optional<ComparisonReport> report, const QString &error) {
            compare_->setEnabled(true);
            if (outcome == TaskOutcome::Failed)
                setProblem(tr("The comparison failed: %1").arg(error));
            else if (outcome == TaskOutcome::Canceled)
                setProblem(tr("The comparison was canceled."));
            if (outcome != TaskOutcome::Succeeded) {
                emit comparisonFinished(false);
                return;
            }
            report_ = std::move(report);
            showReport();
            emitMapResults();
            emit comparisonFinished(true);
        });
    return true;
}

void ModelComparisonDialog::showReport()
{
    table_->setRowCount(0);
    save_->setEnabled(report_.has_value());
    if (!report_) {
        summary_->clear();
        return;
    }
    const ComparisonReport &r = *report_;
    const bool scene = r.task.kind == ComparisonTask::Kind::Scene;
    const QColor agree(214, 240, 214), differ(248, 215, 215);
    table_->setRowCount(static_cast<int>(r.tiles.size()));
    for (int row = 0; row < static_cast<int>(r.tiles.size()); ++row) {
        const TileAgreement &a = r.tiles[row];
        const TileAnswer &t = r.teacher.tiles[row];
        const TileAnswer &s = r.student.tiles[row];
        table_->setItem(row, 0, number(a.tileId, 0));
        table_->setItem(row, 1, item(qs(scene ? t.label : t.answer), qs(t.answer)));
        table_->setItem(row, 2, item(qs(scene ? s.label : s.answer), qs(s.answer)));
        table_->setItem(row, 3, number(t.seconds, 3));
        table_->setItem(row, 4, number(s.seconds, 3));
        QString verdict;
        if (scene)
            verdict = a.sameLabel ? tr("same") : tr("different");
        else if (a.teacherBoxes + a.studentBoxes > 0)
            verdict = tr("%1 % similar; %2 of %3 boxes matched, %4 found")
                          .arg(qRound(a.answerSimilarity * 100))
                          .arg(a.matchedBoxes)
                          .arg(a.teacherBoxes)
                          .arg(a.studentBoxes);
        else
            verdict = tr("%1 % similar").arg(qRound(a.answerSimilarity * 100));
        table_->setItem(row, 5, item(verdict));
        const bool good = scene ? a.sameLabel
                                : a.answerSimilarity >= 0.8 && a.matchedBoxes == std::max(a.teacherBoxes, a.studentBoxes);
        for (int column = 0; column < table_->columnCount(); ++column)
            table_->item(row, column)->setBackground(good ? agree : differ);
    }

    const int same = static_cast<int>(
        std::count_if(r.tiles.begin(), r.tiles.end(), [](const TileAgreement &a) { return a.sameLabel; }));
    const auto runText = [](const ModelRun &run) {
        return tr("%1 on %2 (%3): %4 s per tile, %5 tokens/s, loaded in %6 s")
            .arg(QFileInfo(qs(run.folder)).fileName(), qs(run.device), qs(run.dtype))
            .arg(run.meanSecondsPerTile(), 0, 'f', 3)
            .arg(run.tokensPerSecond(), 0, 'f', 1)
            .arg(run.loadSeconds, 0, 'f', 1);
    };
    QStringList lines;
    lines << tr("Teacher: %1").arg(runText(r.teacher)) << tr("Student: %1").arg(runText(r.student));
    QString quality = (scene ? tr("Same label on %1 of %2 tiles") : tr("Same answer on %1 of %2 tiles"))
                          .arg(same)
                          .arg(r.tiles.size());
    quality += tr("; answers %1 % similar").arg(qRound(r.meanAnswerSimilarity() * 100));
    if (r.boxF1() >= 0)
        quality += tr("; box F1 %1 against the teacher's boxes (IoU at least %2)")
                       .arg(r.boxF1(), 0, 'f', 2)
                       .arg(ModelComparisonJob::BoxMatchIou, 0, 'f', 1);
    lines << tr("<b>The student runs at %1× the teacher's speed.</b> %2.").arg(r.speedup(), 0, 'f', 2).arg(quality);
    summary_->setText(lines.join(QStringLiteral("<br>")));
}

void ModelComparisonDialog::emitMapResults()
{
    std::vector<TileLabel> labels;
    std::vector<MapBox> boxes;
    const MapShows shows = mapShows();
    if (report_ && shows != MapShows::Nothing) {
        const ComparisonReport &r = *report_;
        const ModelRun &run = shows == MapShows::Teacher ? r.teacher : r.student;
        for (std::size_t i = 0; i < run.tiles.size(); ++i) {
            const TileAnswer &a = run.tiles[i];
            const QString details = tr("Teacher: %1\nStudent: %2")
                                        .arg(qs(r.teacher.tiles[i].answer), qs(r.student.tiles[i].answer));
            if (r.task.kind == ComparisonTask::Kind::Scene)
                labels.push_back({a.tile, qs(a.label), a.matched ? 1.0 : 0.0, a.matched, details, {}});
            for (const BoxResult &b : a.boxes)
                boxes.push_back({b.pixelBox, qs(b.label)});
        }
    }
    emit mapResultsChanged(labels, boxes);
}

void ModelComparisonDialog::setMapShows(MapShows shows)
{
    if (QAbstractButton *b = mapGroup_->button(static_cast<int>(shows)))
        b->setChecked(true);
    emitMapResults();
}

ModelComparisonDialog::MapShows ModelComparisonDialog::mapShows() const
{
    return static_cast<MapShows>(mapGroup_->checkedId());
}

bool ModelComparisonDialog::saveReport(const QString &path)
{
    if (!report_)
        return false;
    try {
        writeFileAtomically(QFile::encodeName(path).toStdString(), dumpJson(ModelComparisonJob::toJson(*report_), 2) + "\n");
        setProblem(QString());
        return true;
    } catch (const std::exception &e) {
        setProblem(tr("The report could not be written to %1: %2").arg(QDir::toNativeSeparators(path), qs(e.what())));
        return false;
    }
}

void ModelComparisonDialog::chooseFolder(QLineEdit *edit, const QString &title)
{
    const QString start = edit->text().isEmpty() ? QDir::homePath() : edit->text();
    const QString folder = QFileDialog::getExistingDirectory(this, title, start);
    if (!folder.isEmpty())
        edit->setText(folder);
}

void ModelComparisonDialog::taskChanged()
{
    texts_[shownTask_] = text_->text();
    shownTask_ = std::clamp(task_->currentIndex(), 0, 3);
    text_->setText(texts_[shownTask_]);
    const ComparisonTask::Kind kind = Kinds[shownTask_];
    text_->setEnabled(kind != ComparisonTask::Kind::Grounding);
    switch (kind) {
    case ComparisonTask::Kind::Scene:
        textLabel_->setText(tr("Classes:"));
        text_->setToolTip(tr("The scene classes both models choose from, separated by commas"));
        break;
    case ComparisonTask::Kind::Refer:
        textLabel_->setText(tr("Find:"));
        text_->setToolTip(tr("What both models should put boxes around, such as \"airplanes\""));
        break;
    case ComparisonTask::Kind::Grounding:
        textLabel_->setText(tr("Prompt:"));
        text_->setToolTip(tr("Both models describe each tile with boxes around what they mention"));
        break;
    case ComparisonTask::Kind::Question:
        textLabel_->setText(tr("Question:"));
        text_->setToolTip(tr("The question both models answer about each tile"));
        break;
    }
}

void ModelComparisonDialog::saveSettings() const
{
    QSettings settings;
    settings.setValue(TeacherKey, teacher_->text().trimmed());
    settings.setValue(StudentKey, student_->text().trimmed());
    settings.setValue(TeacherDeviceKey, teacherDevice_->device());
    settings.setValue(StudentDeviceKey, studentDevice_->device());
    settings.setValue(TaskKey, task_->currentIndex());
    QStringList texts = texts_;
    texts[shownTask_] = text_->text();
    settings.setValue(TextsKey, texts);
}

void ModelComparisonDialog::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QDialog::changeEvent(event);
}

void ModelComparisonDialog::retranslate()
{
    setWindowTitle(tr("Compare Teacher and Student"));
    teacherLabel_->setText(tr("Teacher:"));
    studentLabel_->setText(tr("Student:"));
    teacher_->setToolTip(tr("The larger model the student learned from (a model folder with config.json)"));
    student_->setToolTip(tr("The distilled model, such as the student folder of a distillation run"));
    teacherDeviceLabel_->setText(tr("Teacher device:"));
    studentDeviceLabel_->setText(tr("Student device:"));
    for (DeviceComboBox *device : {teacherDevice_, studentDevice_})
        device->setToolTip(tr("Where the model runs: auto takes the first GPU when there is one, else the CPU; "
                              "another device can be typed as cuda:N"));
    teacherBrowse_->setText(tr("Browse..."));
    studentBrowse_->setText(tr("Browse..."));
    taskLabel_->setText(tr("Task:"));
    task_->setItemText(0, tr("Scene labels"));
    task_->setItemText(1, tr("Find objects (boxes)"));
    task_->setItemText(2, tr("Describe with boxes"));
    task_->setItemText(3, tr("Question"));
    task_->setToolTip(tr("What both models are asked about every selected tile"));
    compare_->setText(tr("&Compare"));
    compare_->setToolTip(tr("Load the teacher, then the student, one after the other, and run both on the selected "
                            "tiles, one tile at a time (Alt+C)"));
    save_->setText(tr("Save Report..."));
    save_->setToolTip(tr("Write both models' answers, boxes, times and the agreement as JSON"));
    mapLabel_->setText(tr("The map shows:"));
    mapButtons_[0]->setText(tr("Student"));
    mapButtons_[1]->setText(tr("Teacher"));
    mapButtons_[2]->setText(tr("Nothing"));
    table_->setHorizontalHeaderLabels({tr("Tile"), tr("Teacher"), tr("Student"), tr("Teacher (s)"), tr("Student (s)"),
                                       tr("Agreement")});
    tilesLabel_->setText(tilesText());
    taskChanged();
    if (report_)
        showReport();
}

} // namespace geolens

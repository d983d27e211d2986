#include "TileClassifierWizard.h"

#include "common/Error.h"
#include "distill/AspectQuestions.h"
#include "evaluation/ScenePresets.h"

#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSaveFile>
#include <QSettings>
#include <QSpinBox>
#include <QVBoxLayout>

namespace geolens {

namespace {

// A line edit with a Browse button beside it that chooses a folder into it.
QWidget *withBrowse(QLineEdit *edit, const QString &title)
{
    auto *row = new QWidget;
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(edit, 1);
    auto *browse = new QPushButton(TileClassifierWizard::tr("Browse..."), row);
    QObject::connect(browse, &QPushButton::clicked, edit, [edit, title] {
        const QString folder = QFileDialog::getExistingDirectory(edit->window(), title, edit->text());
        if (!folder.isEmpty())
            edit->setText(folder);
    });
    layout->addWidget(browse);
    return row;
}

QLabel *problemLabel(QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setWordWrap(true);
    label->setStyleSheet(QStringLiteral("color: #b00020"));
    return label;
}

} // namespace

TileClassifierWizard::TileClassifierWizard(QWidget *parent) : QWizard(parent)
{
    setWindowTitle(tr("New Tile Classifier (Multi-Aspect)"));
    setOption(QWizard::NoBackButtonOnStartPage);

    // The teacher and the tiles.
    auto *teacherPage = new QWizardPage(this);
    teacherPage->setTitle(tr("Teacher and tiles"));
    teacherPage->setSubTitle(tr("The model asks every tile its class and the aspect questions; a small classifier "
                                "then learns its answers and labels a whole mosaic in minutes."));
    auto *form = new QFormLayout(teacherPage);
    teacher_ = new QLineEdit(teacherPage);
    teacher_->setObjectName(QStringLiteral("teacher"));
    teacher_->setToolTip(tr("The GeoChat model folder that answers the questions"));
    form->addRow(tr("Teacher model:"), withBrowse(teacher_, tr("Choose the Teacher Model")));
    source_ = new QLineEdit(teacherPage);
    source_->setObjectName(QStringLiteral("source"));
    source_->setToolTip(tr("A raster, whose tiles are judged, or a folder of images; images in subfolders take the "
                           "subfolder's name as their true class"));
    form->addRow(tr("Raster or image folder:"), withBrowse(source_, tr("Choose a Folder of Images")));
    preset_ = new QComboBox(teacherPage);
    preset_->setObjectName(QStringLiteral("preset"));
    for (const ScenePreset &p : scenePresets())
        preset_->addItem(QString::fromStdString(p.name), QString::fromStdString(p.key));
    preset_->addItem(tr("My own classes"), QString());
    form->addRow(tr("Classes:"), preset_);
    classes_ = new QPlainTextEdit(teacherPage);
    classes_->setObjectName(QStringLiteral("classes"));
    classes_->setPlaceholderText(tr("One class a line"));
    classes_->setToolTip(tr("Your own classes, one a line"));
    classes_->setMaximumHeight(90);
    form->addRow(QString(), classes_);
    connect(preset_, &QComboBox::currentIndexChanged, this,
            [this] { classes_->setEnabled(preset_->currentData().toString().isEmpty()); });
    output_ = new QLineEdit(teacherPage);
    output_->setObjectName(QStringLiteral("output"));
    output_->setToolTip(tr("A new or empty folder, or one whose run is to go on: the targets, the training run and "
                           "the classifier go there"));
    form->addRow(tr("Output folder:"), withBrowse(output_, tr("Choose the Output Folder")));
    teacherProblem_ = problemLabel(teacherPage);
    form->addRow(teacherProblem_);
    setPage(TeacherPageId, teacherPage);

    // The aspect questions.
    auto *aspectsPage = new QWizardPage(this);
    aspectsPage->setTitle(tr("Aspect questions"));
    aspectsPage->setSubTitle(tr("Yes/no questions the teacher answers about every tile. The classifier learns the "
                                "probability of each as well as the class, and puts it on the map."));
    auto *aspectsLayout = new QVBoxLayout(aspectsPage);
    aspects_ = new QPlainTextEdit(aspectsPage);
    aspects_->setObjectName(QStringLiteral("aspects"));
    aspects_->setToolTip(tr("One question a line, as \"key: question?\"; lines starting with # are comments"));
    aspectsLayout->addWidget(aspects_);
    auto *reset = new QPushButton(tr("Reset to Defaults"), aspectsPage);
    reset->setObjectName(QStringLiteral("resetAspects"));
    reset->setToolTip(tr("The built-in questions about land cover, buildings, objects and setting"));
    connect(reset, &QPushButton::clicked, this,
            [this] { aspects_->setPlainText(QString::fromStdString(aspectText(defaultAspects()))); });
    aspectStatus_ = new QLabel(aspectsPage);
    aspectStatus_->setWordWrap(true);
    auto *row = new QHBoxLayout;
    row->addWidget(aspectStatus_, 1);
    row->addWidget(reset);
    aspectsLayout->addLayout(row);
    connect(aspects_, &QPlainTextEdit::textChanged, this, &TileClassifierWizard::updateAspectStatus);
    setPage(AspectsPageId, aspectsPage);

    // The student.
    auto *studentPage = new QWizardPage(this);
    studentPage->setTitle(tr("Student"));
    studentPage->setSubTitle(tr("The classifier and its training. The defaults suit most mosaics."));
    auto *studentForm = new QFormLayout(studentPage);
    architecture_ = new QComboBox(studentPage);
    architecture_->setObjectName(QStringLiteral("architecture"));
    architecture_->addItem(tr("ResNet-18"), QStringLiteral("resnet18"));
    architecture_->addItem(tr("ResNet-10 (faster, smaller)"), QStringLiteral("resnet10"));
    architecture_->addItem(tr("The teacher's CLIP tower, frozen, with a small head"), QStringLiteral("clip"));
    architecture_->setToolTip(tr("A CNN learns from the pixels. The CLIP tower sees what the teacher sees and trains "
                                 "only a small head, but runs slower and keeps reading the teacher's folder."));
    studentForm->addRow(tr("Network:"), architecture_);
    width_ = new QSpinBox(studentPage);
    width_->setRange(8, 256);
    width_->setValue(64);
    width_->setToolTip(tr("Channels of the CNN's first stage (64 is ResNet's own), or the head's hidden width"));
    studentForm->addRow(tr("Width:"), width_);
    storeSize_ = new QSpinBox(studentPage);
    storeSize_->setRange(32, 512);
    storeSize_->setValue(128);
    storeSize_->setSuffix(tr(" px"));
    storeSize_->setToolTip(tr("The side of the tile images the classifier sees"));
    studentForm->addRow(tr("Input size:"), storeSize_);
    epochs_ = new QSpinBox(studentPage);
    epochs_->setObjectName(QStringLiteral("epochs"));
    epochs_->setRange(1, 1000);
    epochs_->setValue(30);
    studentForm->addRow(tr("Epochs at most:"), epochs_);
    patience_ = new QSpinBox(studentPage);
    patience_->setRange(1, 100);
    patience_->setValue(5);
    patience_->setToolTip(tr("Training stops after this many epochs without a better validation accuracy"));
    studentForm->addRow(tr("Patience:"), patience_);
    aspectWeight_ = new QDoubleSpinBox(studentPage);
    aspectWeight_->setObjectName(QStringLiteral("aspectWeight"));
    aspectWeight_->setRange(0.0, 10.0);
    aspectWeight_->setSingleStep(0.1);
    aspectWeight_->setValue(1.0);
    aspectWeight_->setToolTip(tr("Weight of the aspects' binary cross-entropy beside the classes' cross-entropy; 0 "
                                 "learns the classes alone"));
    studentForm->addRow(tr("Aspect weight:"), aspectWeight_);
    classTarget_ = new QComboBox(studentPage);
    classTarget_->addItem(tr("Automatic"), QStringLiteral("auto"));
    classTarget_->addItem(tr("The class folders"), QStringLiteral("truth"));
    classTarget_->addItem(tr("The teacher's classes"), QStringLiteral("teacher"));
    classTarget_->setToolTip(tr("What the classes are learnt from; automatic takes the class folders when every "
                                "image is in one, else the teacher's answers"));
    studentForm->addRow(tr("Classes from:"), classTarget_);
    validation_ = new QDoubleSpinBox(studentPage);
    validation_->setRange(1.0, 50.0);
    validation_->setValue(10.0);
    validation_->setSuffix(tr(" %"));
    validation_->setToolTip(tr("Share of the tiles held out to choose the best epoch"));
    studentForm->addRow(tr("Validation share:"), validation_);
    studentReview_ = new QLabel(studentPage);
    studentReview_->setObjectName(QStringLiteral("review"));
    studentReview_->setWordWrap(true);
    studentReview_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    studentForm->addRow(studentReview_);
    const auto review = [this] {
        if (currentId() != StudentPageId)
            return;
        QStringList lines;
        for (const QStringList &c : commands())
            lines << QStringLiteral("geolens-cli ") + c.join(QLatin1Char(' '));
        studentReview_->setText(tr("The run will be:\n%1").arg(lines.join(QLatin1Char('\n'))));
    };
    connect(this, &QWizard::currentIdChanged, this, review);
    connect(architecture_, &QComboBox::currentIndexChanged, this, review);
    setPage(StudentPageId, studentPage);

    // What was chosen last time.
    QSettings settings;
    settings.beginGroup(QLatin1String(SettingsGroup));
    teacher_->setText(settings.value(QStringLiteral("teacher")).toString());
    const int preset = preset_->findData(settings.value(QStringLiteral("preset"), QStringLiteral("aid")));
    preset_->setCurrentIndex(preset >= 0 ? preset : 0);
    classes_->setPlainText(settings.value(QStringLiteral("classes")).toString());
    classes_->setEnabled(preset_->currentData().toString().isEmpty());
    aspects_->setPlainText(
        settings.value(QStringLiteral("aspects"), QString::fromStdString(aspectText(defaultAspects()))).toString());
    aspectWeight_->setValue(settings.value(QStringLiteral("aspectWeight"), 1.0).toDouble());
    epochs_->setValue(settings.value(QStringLiteral("epochs"), 30).toInt());
    const int architecture = architecture_->findData(settings.value(QStringLiteral("architecture"), QStringLiteral("resnet18")));
    architecture_->setCurrentIndex(architecture >= 0 ? architecture : 0);
    updateAspectStatus();
}

void TileClassifierWizard::setTeacher(const QString &folder)
{
    teacher_->setText(folder);
}

void TileClassifierWizard::setSource(const QString &rasterOrFolder)
{
    source_->setText(rasterOrFolder);
}

void TileClassifierWizard::setOutputFolder(const QString &folder)
{
    output_->setText(folder);
}

QString TileClassifierWizard::outputFolder() const
{
    return QDir::cleanPath(output_->text().trimmed());
}

QString TileClassifierWizard::aspectsFile() const
{
    return outputFolder() + QStringLiteral("/aspects.txt");
}

QString TileClassifierWizard::targetsFolder() const
{
    return outputFolder() + QStringLiteral("/targets");
}

QString TileClassifierWizard::runFolder() const
{
    return outputFolder() + QStringLiteral("/run");
}

QString TileClassifierWizard::classifierFolder() const
{
    return runFolder() + QStringLiteral("/classifier");
}

QStringList TileClassifierWizard::classes() const
{
    const QString key = preset_->currentData().toString();
    QStringList out;
    if (!key.isEmpty()) {
        for (const std::string &c : scenePreset(key.toStdString()).classes)
            out << QString::fromStdString(c);
        return out;
    }
    for (const QString &line : classes_->toPlainText().split(QLatin1Char('\n')))
        if (!line.trimmed().isEmpty())
            out << line.trimmed();
    return out;
}

QList<QStringList> TileClassifierWizard::commands() const
{
    QStringList pass{QStringLiteral("aspects"), QDir::cleanPath(source_->text().trimmed()), QStringLiteral("--model"),
                     QDir::cleanPath(teacher_->text().trimmed())};
    const QString preset = preset_->currentData().toString();
    if (!preset.isEmpty())
        pass << QStringLiteral("--preset") << preset;
    else
        pass << QStringLiteral("--classes") << classes().join(QLatin1Char(','));
    pass << QStringLiteral("--aspects") << aspectsFile() << QStringLiteral("--store-size")
         << QString::number(storeSize_->value()) << QStringLiteral("--out") << targetsFolder();
    QStringList train{QStringLiteral("train-classifier"),
                      QStringLiteral("--targets"),
                      targetsFolder(),
                      QStringLiteral("--out"),
                      runFolder(),
                      QStringLiteral("--architecture"),
                      architecture_->currentData().toString(),
                      QStringLiteral("--width"),
                      QString::number(width_->value()),
                      QStringLiteral("--epochs"),
                      QString::number(epochs_->value()),
                      QStringLiteral("--patience"),
                      QString::number(patience_->value()),
                      QStringLiteral("--aspect-weight"),
                      QString::number(aspectWeight_->value()),
                      QStringLiteral("--class-target"),
                      classTarget_->currentData().toString(),
                      QStringLiteral("--validation"),
                      QString::number(validation_->value() / 100.0)};
    if (architecture_->currentData().toString() == QLatin1String("clip"))
        train << QStringLiteral("--clip-model") << QDir::cleanPath(teacher_->text().trimmed());
    return {pass, train};
}

QString TileClassifierWizard::problem(int pageId) const
{
    if (pageId == TeacherPageId) {
        const QString teacher = teacher_->text().trimmed();
        if (teacher.isEmpty())
            return tr("Choose the teacher model folder.");
        if (!teacher.startsWith(QLatin1String("random:")) && !QFileInfo::exists(teacher + QStringLiteral("/config.json")))
            return tr("%1 is not a model folder: it has no config.json.").arg(teacher);
        const QString source = source_->text().trimmed();
        if (source.isEmpty() || !QFileInfo::exists(source))
            return tr("Choose a raster or a folder of images that exists.");
        const QStringList chosen = classes();
        if (chosen.isEmpty())
            return tr("Write at least one class, one a line.");
        if (chosen.join(QString()).contains(QLatin1Char(',')))
            return tr("A class cannot hold a comma.");
        const QString out = output_->text().trimmed();
        if (out.isEmpty())
            return tr("Choose the output folder.");
        const QDir dir(out);
        if (dir.exists() && !dir.isEmpty() && !QFileInfo::exists(out + QStringLiteral("/targets/targets.json")))
            return tr("%1 is not empty and holds no earlier run of this kind; choose a new or empty folder.").arg(out);
        return {};
    }
    if (pageId == StudentPageId && architecture_->currentData().toString() == QLatin1String("clip") &&
        teacher_->text().trimmed().startsWith(QLatin1String("random:")))
        return tr("The CLIP tower student needs the teacher's model folder, not random weights.");
    if (pageId == AspectsPageId) {
        try {
            parseAspectText(aspects_->toPlainText().toStdString(), tr("The questions").toStdString());
        } catch (const Error &e) {
            return QString::fromStdString(e.what());
        }
    }
    return {};
}

void TileClassifierWizard::updateAspectStatus()
{
    try {
        const auto count =
            parseAspectText(aspects_->toPlainText().toStdString(), tr("The questions").toStdString()).size();
        aspectStatus_->setStyleSheet(QString());
        aspectStatus_->setText(tr("%n question(s)", nullptr, static_cast<int>(count)));
    } catch (const Error &e) {
        aspectStatus_->setStyleSheet(QStringLiteral("color: #b00020"));
        aspectStatus_->setText(QString::fromStdString(e.what()));
    }
}

bool TileClassifierWizard::validateCurrentPage()
{
    const QString why = problem(currentId());
    if (currentId() == TeacherPageId)
        teacherProblem_->setText(why);
    if (currentId() == StudentPageId && !why.isEmpty())
        studentReview_->setText(why);
    if (!why.isEmpty())
        return false;
    if (currentId() == StudentPageId) {
        // The questions go beside the run, where the teacher pass reads them.
        QDir().mkpath(outputFolder());
        QSaveFile file(aspectsFile());
        if (!file.open(QIODevice::WriteOnly) || file.write(aspects_->toPlainText().toUtf8()) < 0 || !file.commit()) {
            studentReview_->setText(tr("%1 cannot be written: %2").arg(aspectsFile(), file.errorString()));
            return false;
        }
        saveSettings();
    }
    return QWizard::validateCurrentPage();
}

void TileClassifierWizard::saveSettings() const
{
    QSettings settings;
    settings.beginGroup(QLatin1String(SettingsGroup));
    settings.setValue(QStringLiteral("teacher"), teacher_->text().trimmed());
    settings.setValue(QStringLiteral("preset"), preset_->currentData());
    settings.setValue(QStringLiteral("classes"), classes_->toPlainText());
    settings.setValue(QStringLiteral("aspects"), aspects_->toPlainText());
    settings.setValue(QStringLiteral("aspectWeight"), aspectWeight_->value());
    settings.setValue(QStringLiteral("epochs"), epochs_->value());
    settings.setValue(QStringLiteral("architecture"), architecture_->currentData());
}

} // namespace geolens

#include "DistillModelsPage.h"

#include "DeviceComboBox.h"
#include "DistillWizard.h"
#include "GpuInventory.h"
#include "model/ParameterCount.h"

#include <QDir>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QVBoxLayout>

#include <exception>

namespace geolens {

namespace {

const char *const ModelFolderKey = "distillWizard/modelFolder";

} // namespace

DistillModelsPage::DistillModelsPage(DistillWizard *wizard)
    : DistillWizardPage(wizard), gpuNote_(new QLabel(this)), sizeWarning_(new QLabel(this))
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
    sizeWarning_->setObjectName(QStringLiteral("sizeWarning"));
    sizeWarning_->setWordWrap(true);
    sizeWarning_->setStyleSheet(QStringLiteral("color: #8a5a00;"));
    sizeWarning_->hide();
    layout->addWidget(sizeWarning_);
    layout->addStretch(1);
    layout->addWidget(problemLabel_);
    devicesListed();
}

void DistillModelsPage::devicesListed()
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

void DistillModelsPage::load(const DistillConfig &c)
{
    teacher_.folder->setText(qs(c.teacher));
    student_.folder->setText(qs(c.student));
    teacher_.device->setDevice(qs(c.run.teacherDevice));
    student_.device->setDevice(qs(c.run.studentDevice));
}

void DistillModelsPage::apply(DistillConfig &c) const
{
    c.teacher = teacher_.folder->text().trimmed().toStdString();
    c.student = student_.folder->text().trimmed().toStdString();
    c.run.teacherDevice = teacher_.device->device().toStdString();
    c.run.studentDevice = student_.device->device().toStdString();
}

bool DistillModelsPage::validatePage()
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

QGroupBox *DistillModelsPage::makeSide(Side &side, const QString &title, const QString &toolTip)
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
    connect(side.folder, &QLineEdit::textChanged, this, [this, s] {
        // What was refused is about the text before this edit.
        clearProblem();
        refresh(*s);
    });
    return box;
}

void DistillModelsPage::refresh(Side &side)
{
    side.config.reset();
    side.error.clear();
    const QString folder = side.folder->text().trimmed();
    if (folder.isEmpty()) {
        side.info->clear();
        updateSizeWarning();
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
        updateSizeWarning();
        return;
    }
    const ModelConfig &m = *side.config;
    const std::uint64_t params = countParameters(m);
    side.info->setText(tr("Layout: %1 · about %2 parameters · vocabulary: %3 tokens · text: %4 layers of %5 · "
                          "vision: %6 layers of %7 at %8 px\nWeights: about %9 in bf16, %10 in f32")
                           .arg(QString::fromLatin1(checkpointLayoutName(m.layout)), parameterCountText(params))
                           .arg(m.text.vocabSize)
                           .arg(m.text.layers)
                           .arg(m.text.hiddenSize)
                           .arg(m.vision.layers)
                           .arg(m.vision.hiddenSize)
                           .arg(m.inputSize)
                           .arg(DistillWizard::formatBytes(2.0 * params), DistillWizard::formatBytes(4.0 * params)));
    updateSizeWarning();
}

void DistillModelsPage::updateSizeWarning()
{
    if (!teacher_.config || !student_.config) {
        sizeWarning_->hide();
        return;
    }
    const std::uint64_t teacher = countParameters(*teacher_.config), student = countParameters(*student_.config);
    sizeWarning_->setVisible(student > teacher);
    if (student > teacher)
        sizeWarning_->setText(tr("The student (about %1 parameters) is larger than the teacher (about %2): "
                                 "distillation teaches a smaller model from a larger one. Check that the two "
                                 "folders are not swapped.")
                                  .arg(parameterCountText(student), parameterCountText(teacher)));
}

bool DistillModelsPage::checkSide(const Side &side, const QString &role)
{
    if (side.folder->text().trimmed().isEmpty())
        return refuse(tr("Choose the %1 model folder.").arg(role));
    if (!side.config)
        return refuse(tr("The %1 model cannot be used: %2").arg(role, side.error));
    return true;
}

} // namespace geolens

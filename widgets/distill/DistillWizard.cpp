#include "DistillWizard.h"

#include "distill/RunFolder.h"
#include "WindowGeometry.h"

#include "DistillDataPage.h"
#include "DistillMethodPage.h"
#include "DistillModelsPage.h"
#include "DistillReviewPage.h"
#include "DistillTrainingPage.h"
#include "GpuInventory.h"

#include <QDir>
#include <QFileInfo>

namespace geolens {

DistillWizard::DistillWizard(QWidget *parent)
    : QWizard(parent), gpus_(new GpuInventory(this)), torchrun_(QStringLiteral("torchrun")), models_(new DistillModelsPage(this)),
      data_(new DistillDataPage(this)), method_(new DistillMethodPage(this)), training_(new DistillTrainingPage(this)),
      review_(new DistillReviewPage(this))
{
    setWindowTitle(tr("New Distillation Run"));
    // Room for the data report and the training page's two columns; as the user left it after.
    WindowGeometry::remember(this, QStringLiteral("distillWizard/geometry"), QSize(980, 760));
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

void DistillWizard::setTorchrunProgram(const QString &program)
{
    torchrun_ = program;
    training_->launcherChanged();
}

int DistillWizard::gpuCount() const
{
    return training_->gpuCount();
}

QStringList DistillWizard::runArguments(const DistillConfig &config)
{
    // Absolute, since the run starts in its own folder.
    const QString out = QDir::cleanPath(QFileInfo(QString::fromStdString(config.out)).absoluteFilePath());
    QStringList arguments{QStringLiteral("--config"), QString::fromStdString(DistillConfig::runFilePath(out.toStdString())),
                          QStringLiteral("--out"), out};
    // The training page said that launching clears the earlier run there; the CLI refuses a fresh
    // run over one without being told.
    if (!RunFolder::earlierResults(out.toStdString()).empty())
        arguments << QStringLiteral("--overwrite");
    return arguments;
}

QStringList DistillWizard::launchCommand() const
{
    return training_->launchCommand();
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

std::optional<SampleFit> DistillWizard::sampleFit() const
{
    return data_->sampleFit(config());
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

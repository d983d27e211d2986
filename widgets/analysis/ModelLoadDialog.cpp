#include "ModelLoadDialog.h"

#include "model/CheckpointFolder.h"
#include "model/ModelConfig.h"
#include "model/ModelFolderCheck.h"
#include "model/ParameterCount.h"

#include <QComboBox>
#include <QCryptographicHash>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>
#include <exception>

namespace geolens {

namespace {

const char *const LastFolderKey = "modelLoad/lastFolder";
const char *const WeightsKey = "modelLoad/weights";

// Folder paths hold characters QSettings keys do not take; a digest names the folder instead.
QString folderKey(const char *group, const QString &folder)
{
    const QByteArray path = QDir::cleanPath(QFileInfo(folder).absoluteFilePath()).toUtf8();
    return QLatin1String(group) +
           QString::fromLatin1(QCryptographicHash::hash(path, QCryptographicHash::Sha1).toHex().left(16));
}

QString imageSizeKey(const QString &folder)
{
    return folderKey("modelLoad/imageSize/", folder);
}

QString visionTowerKey(const QString &folder)
{
    return folderKey("modelLoad/visionTower/", folder);
}

QString parameterText(std::uint64_t n)
{
    if (n >= 1000000000ULL)
        return ModelLoadDialog::tr("%1 billion").arg(double(n) / 1e9, 0, 'f', 1);
    if (n >= 1000000ULL)
        return ModelLoadDialog::tr("%1 million").arg(double(n) / 1e6, 0, 'f', 1);
    return QString::number(n);
}

} // namespace

ModelLoadDialog::ModelLoadDialog(QWidget *parent)
    : QDialog(parent), folder_(new QLineEdit(this)), visionTower_(new QLineEdit(this)), imageSize_(new QSpinBox(this)), weights_(new QComboBox(this)),
      note_(new QLabel(this)),
      buttons_(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setWindowTitle(tr("Load Model"));
    folder_->setObjectName(QStringLiteral("folder"));
    folder_->setToolTip(tr("A model folder: config.json, the weights and tokenizer.model"));
    auto *browse = new QPushButton(tr("Browse..."), this);
    auto *folderRow = new QHBoxLayout;
    folderRow->addWidget(folder_, 1);
    folderRow->addWidget(browse);

    visionTower_->setObjectName(QStringLiteral("visionTower"));
    visionTower_->setPlaceholderText(tr("the model's own"));
    visionTower_->setClearButtonEnabled(true);
    visionTower_->setToolTip(tr("Only for checkpoints without vision-tower weights, as the original LLaVA-1.5 "
                                "releases are: the folder of the CLIP model their config names, e.g. "
                                "openai/clip-vit-large-patch14-336. Remembered for each model folder."));
    auto *browseTower = new QPushButton(tr("Browse..."), this);
    auto *towerRow = new QHBoxLayout;
    towerRow->addWidget(visionTower_, 1);
    towerRow->addWidget(browseTower);

    imageSize_->setObjectName(QStringLiteral("imageSize"));
    imageSize_->setRange(0, 2016);
    imageSize_->setSingleStep(14);
    imageSize_->setSuffix(tr(" px"));
    imageSize_->setSpecialValueText(tr("model's own"));
    imageSize_->setToolTip(tr("The side of the square the model sees each tile at. GeoChat runs at 504 px; a "
                              "smaller size is faster and needs less of the model's context. Remembered for "
                              "each model folder."));

    // Each entry's data: the WeightType and WeightQuantization as "type/quantization".
    weights_->setObjectName(QStringLiteral("weights"));
    weights_->addItem(tr("Automatic: bf16 on a GPU, f32 on the CPU"), QStringLiteral("auto/none"));
    weights_->addItem(tr("f32: full precision"), QStringLiteral("f32/none"));
    weights_->addItem(tr("bf16: half the memory"), QStringLiteral("bf16/none"));
    weights_->addItem(tr("int8 (CPU): a quarter of the memory"), QStringLiteral("bf16/int8"));
    weights_->setToolTip(tr("How the model's weights are held. bf16 halves the memory of f32: a 7B model loads in "
                            "14 GB. int8 holds the language model's layers as int8 and the rest as bf16, on the "
                            "CPU only: a 7B model loads in under 8 GB and decodes fastest there. Both answer "
                            "close to f32: docs/engine.md gives their drift and speed."));
    QString rememberedKey = QSettings().value(WeightsKey, QStringLiteral("auto/none")).toString();
    if (rememberedKey == QLatin1String("f32/int8")) // int8 kept the rest in f32 before
        rememberedKey = QStringLiteral("bf16/int8");
    const int remembered = weights_->findData(rememberedKey);
    weights_->setCurrentIndex(std::max(0, remembered));

    note_->setObjectName(QStringLiteral("note"));
    note_->setWordWrap(true);
    note_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    note_->setMinimumWidth(460);

    auto *form = new QFormLayout;
    form->addRow(tr("Folder:"), folderRow);
    form->addRow(tr("Image size:"), imageSize_);
    form->addRow(tr("Weights:"), weights_);
    form->addRow(tr("Vision tower:"), towerRow);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(note_);
    layout->addWidget(buttons_);
    buttons_->button(QDialogButtonBox::Ok)->setText(tr("Load"));

    connect(browse, &QPushButton::clicked, this, &ModelLoadDialog::browse);
    connect(buttons_, &QDialogButtonBox::accepted, this, &ModelLoadDialog::accept);
    connect(buttons_, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(browseTower, &QPushButton::clicked, this, [this] {
        const QString chosen = QFileDialog::getExistingDirectory(this, tr("Vision Tower"), visionTower());
        if (!chosen.isEmpty())
            setVisionTower(chosen);
    });
    connect(folder_, &QLineEdit::textChanged, this, [this] {
        setImageSize(rememberedImageSize(folder()));
        setVisionTower(QSettings().value(visionTowerKey(folder())).toString());
        check();
    });
    connect(visionTower_, &QLineEdit::textChanged, this, &ModelLoadDialog::check);
    connect(imageSize_, &QSpinBox::valueChanged, this, &ModelLoadDialog::check);
    setFolder(QSettings().value(LastFolderKey).toString());
    check();
}

QString ModelLoadDialog::folder() const
{
    return folder_->text().trimmed();
}

void ModelLoadDialog::setFolder(const QString &folder)
{
    folder_->setText(folder);
}

std::optional<int> ModelLoadDialog::imageSize() const
{
    return imageSize_->value() > 0 ? std::optional<int>(imageSize_->value()) : std::nullopt;
}

void ModelLoadDialog::setImageSize(std::optional<int> size)
{
    imageSize_->setValue(size.value_or(0));
}

WeightType ModelLoadDialog::weightType() const
{
    const QString type = weights_->currentData().toString().section(QLatin1Char('/'), 0, 0);
    return type == QLatin1String("f32") ? WeightType::F32 : type == QLatin1String("bf16") ? WeightType::BF16 : WeightType::Auto;
}

WeightQuantization ModelLoadDialog::quantization() const
{
    return weights_->currentData().toString().endsWith(QLatin1String("/int8")) ? WeightQuantization::Int8
                                                                               : WeightQuantization::None;
}

void ModelLoadDialog::setWeights(WeightType type, WeightQuantization quantization)
{
    QString key = QStringLiteral("auto/none");
    if (quantization == WeightQuantization::Int8)
        key = QStringLiteral("bf16/int8");
    else if (type == WeightType::F32)
        key = QStringLiteral("f32/none");
    else if (type == WeightType::BF16)
        key = QStringLiteral("bf16/none");
    weights_->setCurrentIndex(std::max(0, weights_->findData(key)));
}

QString ModelLoadDialog::visionTower() const
{
    return visionTower_->text().trimmed();
}

void ModelLoadDialog::setVisionTower(const QString &folder)
{
    visionTower_->setText(folder);
}

ModelLoadOptions ModelLoadDialog::loadOptions() const
{
    ModelLoadOptions options;
    options.imageSize = imageSize();
    options.dtype = weightType();
    options.quantize = quantization();
    options.visionTower = visionTower().toStdString();
    return options;
}

QString ModelLoadDialog::note() const
{
    return note_->text();
}

bool ModelLoadDialog::canLoad() const
{
    return canLoad_;
}

std::optional<int> ModelLoadDialog::rememberedImageSize(const QString &folder)
{
    const int size = QSettings().value(imageSizeKey(folder), 0).toInt();
    return size > 0 ? std::optional<int>(size) : std::nullopt;
}

void ModelLoadDialog::accept()
{
    if (!canLoad_)
        return;
    QSettings settings;
    settings.setValue(LastFolderKey, folder());
    settings.setValue(imageSizeKey(folder()), imageSize().value_or(0));
    settings.setValue(visionTowerKey(folder()), visionTower());
    settings.setValue(WeightsKey, weights_->currentData().toString());
    QDialog::accept();
}

void ModelLoadDialog::browse()
{
    const QString chosen = QFileDialog::getExistingDirectory(this, tr("Load Model"), folder());
    if (!chosen.isEmpty())
        setFolder(chosen);
}

void ModelLoadDialog::check()
{
    canLoad_ = false;
    const QString dir = folder();
    QString text;
    if (dir.isEmpty()) {
        text = tr("Choose a model folder.");
    } else if (!QFileInfo(dir).isDir()) {
        text = tr("The folder %1 does not exist.").arg(QDir::toNativeSeparators(dir));
    } else {
        try {
            const ModelFolderReport report = inspectModelFolder(dir.toStdString());
            if (!report.complete())
                throw IncompleteModelFolder(report);
            const std::string tower = visionTower().toStdString();
            if (!tower.empty()) {
                const ModelFolderReport towerReport = inspectModelFolder(tower, false);
                if (!towerReport.complete())
                    throw IncompleteModelFolder(towerReport);
            } else if (!checkpointHasVisionTower(dir.toStdString())) {
                throw FileError(dir.toStdString(),
                                tr("this checkpoint has no vision-tower weights: like the original LLaVA-1.5 releases, it "
                                   "keeps the CLIP tower apart. Download the tower its config.json names (e.g. `hf "
                                   "download openai/clip-vit-large-patch14-336 --local-dir clip-vit-large-patch14-336`) "
                                   "and choose its folder under Vision tower.")
                                    .toStdString());
            }
            const ModelConfig c = ModelConfig::load(dir.toStdString(), imageSize(), tower);
            const std::string problem = c.contextProblem();
            text = tr("About %1 parameters; text context of %2 positions; at %3 px an image takes %4 of them.")
                       .arg(parameterText(countParameters(c)))
                       .arg(c.text.maxPositions)
                       .arg(c.inputSize)
                       .arg(c.imageTokens());
            if (problem.empty())
                canLoad_ = true;
            else
                text += QLatin1Char('\n') + tr("This model cannot take its images: %1").arg(QString::fromStdString(problem));
        } catch (const std::exception &e) {
            text = QString::fromUtf8(e.what());
        }
    }
    note_->setText(text);
    note_->setStyleSheet(canLoad_ ? QString() : QStringLiteral("color: #b00020;"));
    buttons_->button(QDialogButtonBox::Ok)->setEnabled(canLoad_);
}

} // namespace geolens

#pragma once

#include "model/GeoChatModel.h"

#include <QDialog>

#include <optional>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace geolens {

// Load Model: the model folder and the image size the model runs at, with what the folder holds
// and whether the model's context can take an image of that size, so that a model that would fail
// on every tile is not loaded at all. A download that is not finished is told apart, with what is
// missing and how to resume it, and a checkpoint without its vision tower asks for a CLIP folder.
// The size and the tower are remembered for each model folder (QSettings).
class ModelLoadDialog : public QDialog {
    Q_OBJECT

public:
    explicit ModelLoadDialog(QWidget *parent = nullptr);

    QString folder() const;
    void setFolder(const QString &folder);
    // Empty: the model's own input size.
    std::optional<int> imageSize() const;
    void setImageSize(std::optional<int> size);
    // How the weights are held: f32, bf16, or int8 projections (the CPU); remembered (QSettings).
    WeightType weightType() const;
    WeightQuantization quantization() const;
    void setWeights(WeightType type, WeightQuantization quantization);
    // A CLIP folder for a checkpoint without vision-tower weights; empty for the checkpoint's own.
    // Remembered for each model folder.
    QString visionTower() const;
    void setVisionTower(const QString &folder);
    // Everything above, as the engine takes it.
    ModelLoadOptions loadOptions() const;

    // What the folder holds, or why it cannot be loaded as it is set.
    QString note() const;
    bool canLoad() const;

    // The size last accepted for folder; empty when none was, or the model's own.
    static std::optional<int> rememberedImageSize(const QString &folder);

    void accept() override;

private:
    void check();
    void browse();

    QLineEdit *folder_;
    QLineEdit *visionTower_;
    QSpinBox *imageSize_;
    QComboBox *weights_;
    QLabel *note_;
    QDialogButtonBox *buttons_;
    bool canLoad_ = false;
};

} // namespace geolens

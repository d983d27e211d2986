#include "NoModelGuide.h"

#include <QApplication>
#include <QClipboard>
#include <QEvent>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace geolens {

NoModelGuide::NoModelGuide(QWidget *parent)
    : QWidget(parent), title_(new QLabel(this)), text_(new QLabel(this)), commands_(new QPlainTextEdit(this)),
      copy_(new QPushButton(this)), load_(new QPushButton(this))
{
    setObjectName(QStringLiteral("noModelGuide"));
    QFont bold = title_->font();
    bold.setBold(true);
    bold.setPointSizeF(bold.pointSizeF() * 1.15);
    title_->setFont(bold);
    text_->setWordWrap(true);
    text_->setTextFormat(Qt::RichText);
    text_->setOpenExternalLinks(true);
    text_->setTextInteractionFlags(Qt::TextBrowserInteraction);
    commands_->setObjectName(QStringLiteral("downloadCommands"));
    commands_->setReadOnly(true);
    commands_->setLineWrapMode(QPlainTextEdit::NoWrap);
    commands_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    commands_->setPlainText(downloadCommands());
    commands_->setMaximumHeight(commands_->fontMetrics().lineSpacing() * 9);
    load_->setObjectName(QStringLiteral("loadModelButton"));
    load_->setDefault(true);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(title_);
    layout->addWidget(text_);
    layout->addWidget(commands_);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(copy_);
    buttons->addStretch(1);
    buttons->addWidget(load_);
    layout->addLayout(buttons);
    layout->addStretch(1);

    connect(copy_, &QPushButton::clicked, this, [] { QApplication::clipboard()->setText(downloadCommands()); });
    connect(load_, &QPushButton::clicked, this, &NoModelGuide::loadModelRequested);
    retranslate();
}

QString NoModelGuide::downloadCommands()
{
    // The commands are the same in every language: they are typed into a terminal.
    return QStringLiteral("pip install -U huggingface_hub\n"
                          "# the paper's distilled GeoChat (recommended)\n"
                          "hf download Oreowo/GeoChat-KD --local-dir ~/models/GeoChat-KD\n"
                          "# GeoChat-7B, the teacher\n"
                          "hf download MBZUAI/geochat-7B --local-dir ~/models/geochat-7B\n"
                          "# LLaVA-1.5 in llava-hf layout\n"
                          "hf download llava-hf/llava-1.5-7b-hf --local-dir ~/models/llava-1.5-7b-hf");
}

void NoModelGuide::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QWidget::changeEvent(event);
}

void NoModelGuide::retranslate()
{
    title_->setText(tr("No model loaded"));
    text_->setText(tr("GeoLens runs GeoChat and LLaVA-1.5 models from a folder on this computer. Download one "
                      "(about 14 GB for a 7B model) with Hugging Face's command-line tool, then load its "
                      "folder. An interrupted download resumes when the same command runs again. The README's "
                      "Models section lists the memory each needs."));
    commands_->setToolTip(tr("Commands for a terminal; select them or use Copy"));
    copy_->setText(tr("Copy Commands"));
    copy_->setToolTip(tr("Copy the download commands to the clipboard"));
    load_->setText(tr("Load Model..."));
    load_->setToolTip(tr("Choose a downloaded model folder (Ctrl+M)"));
}

} // namespace geolens

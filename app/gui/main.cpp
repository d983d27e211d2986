// geolens: the desktop workbench. Thin: application set-up, the command line, the main window.

#include "LanguageSwitcher.h"
#include "MainWindow.h"
#include "MapCanvas.h"
#include "TileGridOverlay.h"
#include "analysis/ScenePresets.h"
#include "raster/GdalEnvironment.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QScreen>
#include <QTimer>

#include <cstdio>

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("GeoLens"));
    QApplication::setOrganizationName(QStringLiteral("GeoLens"));
    QApplication::setApplicationVersion(QStringLiteral(GEOLENS_VERSION));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/geolens.svg")));
    geolens::initializeGdal();

    geolens::LanguageSwitcher languages;
    languages.applySaved();

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate("main", "Remote-sensing vision-language workbench"));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("file"), QApplication::translate("main", "Raster to open"));
    const QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                        QApplication::translate("main", "Save a picture of the window once the raster is drawn, then quit"),
                                        QStringLiteral("png"));
    const QCommandLineOption language(QStringLiteral("language"),
                                      QApplication::translate("main", "Interface language (en, zh_CN)"),
                                      QStringLiteral("code"));
    const QCommandLineOption selectTiles(QStringLiteral("select-tiles"),
                                         QApplication::translate("main", "Tile ids to select, comma-separated"),
                                         QStringLiteral("ids"));
    const QCommandLineOption modelOption(QStringLiteral("model"), QApplication::translate("main", "Model folder to load"),
                                         QStringLiteral("folder"));
    const QCommandLineOption imageSizeOption(QStringLiteral("image-size"),
                                             QApplication::translate("main", "Model input size in pixels (default: the model's)"),
                                             QStringLiteral("pixels"));
    const QCommandLineOption labelOption(QStringLiteral("label-tiles"),
                                         QApplication::translate("main", "Label the tiles with a class preset (ucm, aid, nwpu) once the raster and model are loaded"),
                                         QStringLiteral("preset"));
    const QCommandLineOption askOption(QStringLiteral("ask"),
                                       QApplication::translate("main", "Ask the chat a question about the view once the raster and model are loaded"),
                                       QStringLiteral("question"));
    parser.addOption(askOption);
    parser.addOption(modelOption);
    parser.addOption(imageSizeOption);
    parser.addOption(labelOption);
    parser.addOption(screenshot);
    parser.addOption(language);
    parser.addOption(selectTiles);
    parser.process(app);
    if (parser.isSet(language))
        languages.apply(parser.value(language), false); // for this run only

    geolens::MainWindow window(&languages);
    window.resize(1280, 800);
    window.show();

    const QStringList files = parser.positionalArguments();
    // With --label-tiles, labelling starts once both the raster and the model are ready.
    int ready = 0;
    const int needed = (files.isEmpty() ? 0 : 1) + (parser.isSet(modelOption) ? 1 : 0);
    auto startLabels = [&] {
        if (++ready < needed)
            return;
        if (parser.isSet(askOption))
            window.askChat(parser.value(askOption));
        if (!parser.isSet(labelOption))
            return;
        try {
            geolens::SceneLabelOptions options;
            options.classes = geolens::scenePreset(parser.value(labelOption).toStdString()).classes;
            options.mode = geolens::SceneLabelOptions::Mode::Score;
            window.startSceneLabels(options);
        } catch (const std::exception &e) {
            std::fprintf(stderr, "geolens: %s\n", e.what());
        }
    };
    QObject::connect(&window, &geolens::MainWindow::rasterOpened, &window, startLabels);
    QObject::connect(&window, &geolens::MainWindow::modelLoaded, &window, startLabels);
    if (!files.isEmpty())
        window.openRaster(files.first());
    if (parser.isSet(modelOption)) {
        geolens::ModelLoadOptions options;
        if (parser.isSet(imageSizeOption))
            options.imageSize = parser.value(imageSizeOption).toInt();
        window.loadModel(parser.value(modelOption), options);
    }

    if (parser.isSet(screenshot)) {
        const QString out = parser.value(screenshot);
        auto save = [&window, out] {
            // On X11 the whole screen is grabbed, so dialogs in front of the window show too.
            QScreen *screen = window.screen();
            const QPixmap picture = QGuiApplication::platformName() == QLatin1String("xcb") && screen
                                        ? screen->grabWindow(0)
                                        : window.grab();
            const bool ok = picture.save(out);
            std::fprintf(stderr, ok ? "geolens: saved %s\n" : "geolens: cannot save %s\n", qPrintable(out));
            QApplication::exit(ok ? 0 : 1);
        };
        auto waitForTiles = [&window, save] {
            auto *poll = new QTimer(&window);
            QObject::connect(poll, &QTimer::timeout, &window, [&window, poll, save] {
                if (window.canvas()->pendingTileCount() == 0) {
                    poll->stop();
                    QTimer::singleShot(200, &window, save);
                }
            });
            poll->start(100);
        };
        QObject::connect(&window, &geolens::MainWindow::rasterOpened, &window, [&, waitForTiles] {
            QList<int> ids;
            for (const QString &id : parser.value(selectTiles).split(QLatin1Char(','), Qt::SkipEmptyParts))
                ids << id.toInt();
            window.tileGrid()->setSelectedTiles(ids);
            if (!parser.isSet(labelOption) && !parser.isSet(askOption))
                QTimer::singleShot(300, &window, waitForTiles);
        });
        QObject::connect(&window, &geolens::MainWindow::analysisFinished, &window,
                         [&, waitForTiles] { QTimer::singleShot(300, &window, waitForTiles); });
        QObject::connect(&window, &geolens::MainWindow::chatAnswered, &window,
                         [&, waitForTiles] { QTimer::singleShot(300, &window, waitForTiles); });
        QObject::connect(&window, &geolens::MainWindow::modelLoadFailed, &window, [&window, save] {
            QTimer::singleShot(500, &window, save);
        });
        QObject::connect(&window, &geolens::MainWindow::openFailed, &window, [&window, save] {
            QTimer::singleShot(500, &window, save);
        });
        if (files.isEmpty())
            QTimer::singleShot(500, &window, save);
    }
    return app.exec();
}

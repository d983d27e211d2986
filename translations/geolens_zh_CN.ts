<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>QObject</name>
    <message>
        <source>Rasters (*.tif *.tiff *.gtiff *.vrt *.jp2 *.j2k *.png *.jpg *.jpeg *.img *.ecw *.nc *.hdf);;All files (*)</source>
        <translation>栅格文件 (*.tif *.tiff *.gtiff *.vrt *.jp2 *.j2k *.png *.jpg *.jpeg *.img *.ecw *.nc *.hdf);;所有文件 (*)</translation>
    </message>
</context>
<context>
    <name>geolens::BackgroundJob</name>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>geolens::ChatPanel</name>
    <message>
        <source>Ask about the selected tile or the view...</source>
        <translation>就所选瓦片或当前视图提问……</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>发送</translation>
    </message>
    <message>
        <source>Ask the question (Enter)</source>
        <translation>提出问题 (Enter)</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Stop the answer; what was written so far is kept</source>
        <translation>停止回答；已生成的内容会保留</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Copy the conversation as text</source>
        <translation>以文本形式复制对话</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <source>Start a new conversation</source>
        <translation>开始新的对话</translation>
    </message>
    <message>
        <source>Select a tile, or ask about the current view.</source>
        <translation>请选择一个瓦片，或就当前视图提问。</translation>
    </message>
    <message>
        <source>You:</source>
        <translation>你：</translation>
    </message>
    <message>
        <source>GeoLens:</source>
        <translation>GeoLens：</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
</context>
<context>
    <name>geolens::DisplayPanel</name>
    <message>
        <source>Bands</source>
        <translation>波段</translation>
    </message>
    <message>
        <source>Display:</source>
        <translation>显示方式：</translation>
    </message>
    <message>
        <source>RGB composite</source>
        <translation>RGB 合成</translation>
    </message>
    <message>
        <source>Single band (grey)</source>
        <translation>单波段（灰度）</translation>
    </message>
    <message>
        <source>Show three bands as red, green and blue, or one band in grey</source>
        <translation>将三个波段显示为红、绿、蓝，或以灰度显示一个波段</translation>
    </message>
    <message>
        <source>Red:</source>
        <translation>红：</translation>
    </message>
    <message>
        <source>Green:</source>
        <translation>绿：</translation>
    </message>
    <message>
        <source>Blue:</source>
        <translation>蓝：</translation>
    </message>
    <message>
        <source>Grey:</source>
        <translation>灰度：</translation>
    </message>
    <message>
        <source>Model tiles</source>
        <translation>模型瓦片</translation>
    </message>
    <message>
        <source>Show tile grid</source>
        <translation>显示瓦片网格</translation>
    </message>
    <message>
        <source>Show the %1 px tiles the model reads (G)</source>
        <translation>显示模型读取的 %1 像素瓦片 (G)</translation>
    </message>
    <message>
        <source>Overlap:</source>
        <translation>重叠：</translation>
    </message>
    <message>
        <source>How much neighbouring tiles overlap, as a share of the tile size</source>
        <translation>相邻瓦片的重叠量，占瓦片尺寸的比例</translation>
    </message>
    <message>
        <source>Clear selection</source>
        <translation>清除选择</translation>
    </message>
    <message>
        <source>Deselect all tiles (Esc)</source>
        <translation>取消选择所有瓦片 (Esc)</translation>
    </message>
    <message>
        <source>Band %1</source>
        <translation>波段 %1</translation>
    </message>
    <message>
        <source>Byte data, shown without stretch.</source>
        <translation>字节型数据，不做拉伸直接显示。</translation>
    </message>
    <message>
        <source>Band %1: computing stretch...</source>
        <translation>波段 %1：正在计算拉伸……</translation>
    </message>
    <message>
        <source>Band %1: %2 to %3</source>
        <translation>波段 %1：%2 至 %3</translation>
    </message>
    <message>
        <source>Stretch, 2-98 % cumulative cut:</source>
        <translation>拉伸（2-98% 累积裁剪）：</translation>
    </message>
    <message numerus="yes">
        <source>Selected: %n tile(s)</source>
        <translation>
            <numerusform>已选：%n 个瓦片</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n tile(s) in a %1 x %2 grid, stride %3 px</source>
        <translation>
            <numerusform>%n 个瓦片，%1 × %2 网格，步长 %3 像素</numerusform>
        </translation>
    </message>
    <message>
        <source>Label opacity:</source>
        <translation>标注不透明度：</translation>
    </message>
    <message>
        <source>How strongly scene labels colour their tiles</source>
        <translation>场景标注为瓦片着色的强度</translation>
    </message>
</context>
<context>
    <name>geolens::DistillRunMonitor</name>
    <message>
        <source>Log</source>
        <translation>日志</translation>
    </message>
    <message>
        <source>Show or hide what the run writes (Ctrl+L)</source>
        <translation>显示或隐藏运行输出的内容 (Ctrl+L)</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Stop after the current step with a checkpoint, so that the run can be resumed (Ctrl+.); pressing again offers to terminate it</source>
        <translation>在当前步骤结束后停止并保存检查点，以便之后继续运行 (Ctrl+.)；再次按下可选择终止运行</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Continue the stopped run from its last checkpoint (Ctrl+R)</source>
        <translation>从最后一个检查点继续已停止的运行 (Ctrl+R)</translation>
    </message>
    <message>
        <source>Open Run Folder</source>
        <translation>打开运行文件夹</translation>
    </message>
    <message>
        <source>Show the run&apos;s files in the file manager (Ctrl+Shift+O)</source>
        <translation>在文件管理器中显示本次运行的文件 (Ctrl+Shift+O)</translation>
    </message>
    <message>
        <source>Open Distilled Model</source>
        <translation>打开蒸馏模型</translation>
    </message>
    <message>
        <source>Load the student this run exported (Ctrl+Shift+M)</source>
        <translation>加载本次运行导出的学生模型 (Ctrl+Shift+M)</translation>
    </message>
    <message>
        <source>Compare...</source>
        <translation>比较……</translation>
    </message>
    <message>
        <source>Draw the curves of other run folders as dashed lines (Ctrl+Shift+C)</source>
        <translation>以虚线绘制其他运行文件夹的曲线 (Ctrl+Shift+C)</translation>
    </message>
    <message>
        <source>Optimiser steps done of the run&apos;s total</source>
        <translation>已完成的优化步数与本次运行的总步数</translation>
    </message>
    <message>
        <source>Running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <source>Stopping...</source>
        <translation>正在停止……</translation>
    </message>
    <message>
        <source>Stopped (resumable)</source>
        <translation>已停止（可继续）</translation>
    </message>
    <message>
        <source>Finished</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>失败：%1</translation>
    </message>
    <message>
        <source>Not running</source>
        <translation>未运行</translation>
    </message>
    <message>
        <source>Not running: %1</source>
        <translation>未运行：%1</translation>
    </message>
    <message>
        <source>A run is already going in %1.</source>
        <translation>%1 中已有一个运行正在进行。</translation>
    </message>
    <message>
        <source>Cannot create the run folder %1.</source>
        <translation>无法创建运行文件夹 %1。</translation>
    </message>
    <message>
        <source>No run folder is open.</source>
        <translation>未打开任何运行文件夹。</translation>
    </message>
    <message>
        <source>The run is still going.</source>
        <translation>运行仍在进行。</translation>
    </message>
    <message>
        <source>%1 does not exist: there is no run to resume.</source>
        <translation>%1 不存在：没有可继续的运行。</translation>
    </message>
    <message>
        <source>%1 is not an executable program.</source>
        <translation>%1 不是可执行程序。</translation>
    </message>
    <message>
        <source>%1 could not be started: %2</source>
        <translation>无法启动 %1：%2</translation>
    </message>
    <message>
        <source>%1 is not a folder.</source>
        <translation>%1 不是文件夹。</translation>
    </message>
    <message>
        <source>Terminate...</source>
        <translation>终止……</translation>
    </message>
    <message>
        <source>exit code %1; %2</source>
        <translation>退出码 %1；%2</translation>
    </message>
    <message>
        <source>the process ended without a word in %1</source>
        <translation>进程已结束，%1 中没有任何输出</translation>
    </message>
    <message>
        <source>%1 / %2 steps</source>
        <translation>%1 / %2 步</translation>
    </message>
    <message>
        <source>%1 steps</source>
        <translation>%1 步</translation>
    </message>
    <message>
        <source>elapsed %1</source>
        <translation>已用时 %1</translation>
    </message>
    <message>
        <source>, about %1 left</source>
        <translation>，约剩 %1</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 分 %2 秒</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 小时 %2 分</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <source>%1 names no running process.</source>
        <translation>%1 中记录的进程未在运行。</translation>
    </message>
    <message>
        <source>The run (process %1) could not be terminated: %2</source>
        <translation>无法终止运行（进程 %1）：%2</translation>
    </message>
    <message>
        <source>Terminate the Run</source>
        <translation>终止运行</translation>
    </message>
    <message>
        <source>The run has been asked to stop after its current step. Terminate it now? It still saves a checkpoint if it can.</source>
        <translation>已请求运行在当前步骤结束后停止。要立即终止吗？如有可能，它仍会保存检查点。</translation>
    </message>
    <message>
        <source>%1 does not exist: the folder holds no distillation run.</source>
        <translation>%1 不存在：该文件夹中没有蒸馏运行。</translation>
    </message>
    <message>
        <source>Compare with Run Folder</source>
        <translation>与运行文件夹比较</translation>
    </message>
</context>
<context>
    <name>geolens::LossPlotWidget</name>
    <message>
        <source>Series</source>
        <translation>序列</translation>
    </message>
    <message>
        <source>Tick the curves to show; a double-click in the plot fits the view to them again</source>
        <translation>勾选要显示的曲线；在图中双击可重新让视图适配这些曲线</translation>
    </message>
    <message>
        <source>Smoothing</source>
        <translation>平滑</translation>
    </message>
    <message>
        <source>Weight of the past in the moving average of the training curves (0: none); the raw points stay drawn faintly</source>
        <translation>训练曲线滑动平均中历史值的权重（0：不平滑）；原始数据点仍以淡色绘出</translation>
    </message>
    <message>
        <source>Logarithmic loss axis</source>
        <translation>损失轴使用对数刻度</translation>
    </message>
    <message>
        <source>Draw the losses on a logarithmic scale (values at or below zero are not shown)</source>
        <translation>以对数刻度绘制损失（小于或等于零的值不显示）</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Save the plot as an image or PDF, or its data as CSV</source>
        <translation>将图表保存为图片或 PDF，或将其数据保存为 CSV</translation>
    </message>
    <message>
        <source>Plot as PNG image...</source>
        <translation>图表导出为 PNG 图片……</translation>
    </message>
    <message>
        <source>Plot as PDF...</source>
        <translation>图表导出为 PDF……</translation>
    </message>
    <message>
        <source>Data as CSV...</source>
        <translation>数据导出为 CSV……</translation>
    </message>
    <message>
        <source>Loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>Tokens per second</source>
        <translation>每秒词元数</translation>
    </message>
    <message>
        <source>Memory (GB)</source>
        <translation>内存（GB）</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>步数</translation>
    </message>
    <message>
        <source>Show or hide “%1” (key %2 in metrics.jsonl)</source>
        <translation>显示或隐藏“%1”（metrics.jsonl 中的键 %2）</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>Total loss</source>
        <translation>总损失</translation>
    </message>
    <message>
        <source>Reverse KL</source>
        <translation>反向 KL</translation>
    </message>
    <message>
        <source>Validation loss</source>
        <translation>验证损失</translation>
    </message>
    <message>
        <source>Validation reverse KL</source>
        <translation>验证反向 KL</translation>
    </message>
    <message>
        <source>Gradient norm</source>
        <translation>梯度范数</translation>
    </message>
    <message>
        <source>Student answer length</source>
        <translation>学生模型回答长度</translation>
    </message>
    <message>
        <source>GPU memory (GB)</source>
        <translation>GPU 显存（GB）</translation>
    </message>
    <message>
        <source>Process memory (GB)</source>
        <translation>进程内存（GB）</translation>
    </message>
    <message>
        <source>Loss term %1</source>
        <translation>损失项 %1</translation>
    </message>
    <message>
        <source>%1 (smoothed %2)</source>
        <translation>%1（平滑后 %2）</translation>
    </message>
    <message>
        <source>%1
Step %2: %3</source>
        <translation>%1
第 %2 步：%3</translation>
    </message>
    <message>
        <source>The plot could not be drawn as an image.</source>
        <translation>无法将图表绘制为图片。</translation>
    </message>
    <message>
        <source>The plot could not be drawn as a PDF.</source>
        <translation>无法将图表绘制为 PDF。</translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation>PNG 图片 (*.png)</translation>
    </message>
    <message>
        <source>PDF documents (*.pdf)</source>
        <translation>PDF 文档 (*.pdf)</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation>导出失败</translation>
    </message>
</context>
<context>
    <name>geolens::MainWindow</name>
    <message>
        <source>Zoom %1 %</source>
        <translation>缩放 %1%</translation>
    </message>
    <message>
        <source>Some pixels could not be read: %1</source>
        <translation>部分像素无法读取：%1</translation>
    </message>
    <message>
        <source>GeoLens</source>
        <translation>GeoLens</translation>
    </message>
    <message>
        <source>%1 - GeoLens</source>
        <translation>%1 - GeoLens</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;Open Raster...</source>
        <translation>打开栅格(&amp;O)……</translation>
    </message>
    <message>
        <source>Open a GeoTIFF, COG, VRT, JPEG2000, PNG or JPEG file</source>
        <translation>打开 GeoTIFF、COG、VRT、JPEG2000、PNG 或 JPEG 文件</translation>
    </message>
    <message>
        <source>&amp;Export Tiles...</source>
        <translation>导出瓦片(&amp;E)……</translation>
    </message>
    <message>
        <source>Write the selected tiles (or all tiles) as PNG files with a GeoJSON index</source>
        <translation>将所选瓦片（或全部瓦片）写为 PNG 文件，并附 GeoJSON 索引</translation>
    </message>
    <message>
        <source>&amp;Close Raster</source>
        <translation>关闭栅格(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>Zoom &amp;In</source>
        <translation>放大(&amp;I)</translation>
    </message>
    <message>
        <source>Zoom &amp;Out</source>
        <translation>缩小(&amp;O)</translation>
    </message>
    <message>
        <source>Zoom to &amp;Fit</source>
        <translation>缩放至全图(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Native Resolution (1:1)</source>
        <translation>原始分辨率 (1:1)(&amp;N)</translation>
    </message>
    <message>
        <source>Show &amp;Tile Grid</source>
        <translation>显示瓦片网格(&amp;T)</translation>
    </message>
    <message>
        <source>Clear Tile &amp;Selection</source>
        <translation>清除瓦片选择(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;About GeoLens</source>
        <translation>关于 GeoLens(&amp;A)</translation>
    </message>
    <message>
        <source>System Default</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>Layer</source>
        <translation>图层</translation>
    </message>
    <message>
        <source>Display</source>
        <translation>显示</translation>
    </message>
    <message>
        <source>Pixel (column, row) under the cursor</source>
        <translation>光标下的像素（列，行）</translation>
    </message>
    <message>
        <source>Map coordinates in the raster&apos;s CRS</source>
        <translation>栅格坐标参考系中的地图坐标</translation>
    </message>
    <message>
        <source>Longitude and latitude (WGS84)</source>
        <translation>经度和纬度 (WGS84)</translation>
    </message>
    <message>
        <source>No georeferencing: coordinates are in pixels</source>
        <translation>无地理参考：坐标为像素坐标</translation>
    </message>
    <message>
        <source>This raster has no CRS or geotransform; results will be placed in pixel coordinates.</source>
        <translation>此栅格没有坐标参考系或地理变换；结果将以像素坐标放置。</translation>
    </message>
    <message>
        <source>No recent files</source>
        <translation>无最近文件</translation>
    </message>
    <message>
        <source>Clear Recent Files</source>
        <translation>清除最近文件</translation>
    </message>
    <message>
        <source>Open Raster</source>
        <translation>打开栅格</translation>
    </message>
    <message>
        <source>Opening %1...</source>
        <translation>正在打开 %1……</translation>
    </message>
    <message>
        <source>Cannot open raster</source>
        <translation>无法打开栅格</translation>
    </message>
    <message numerus="yes">
        <source>Opened %1 (%2 x %3, %n band(s))</source>
        <translation>
            <numerusform>已打开 %1（%2 × %3，%n 个波段）</numerusform>
        </translation>
    </message>
    <message>
        <source>Computing the display stretch...</source>
        <translation>正在计算显示拉伸……</translation>
    </message>
    <message>
        <source>outside the raster</source>
        <translation>栅格范围之外</translation>
    </message>
    <message>
        <source>Pixel %1, %2</source>
        <translation>像素 %1, %2</translation>
    </message>
    <message>
        <source>Map %1, %2</source>
        <translation>地图 %1, %2</translation>
    </message>
    <message>
        <source>Lon %1, Lat %2</source>
        <translation>经度 %1，纬度 %2</translation>
    </message>
    <message>
        <source>Lon/Lat unavailable</source>
        <translation>经纬度不可用</translation>
    </message>
    <message>
        <source>Export Tiles To</source>
        <translation>导出瓦片到</translation>
    </message>
    <message numerus="yes">
        <source>Writing %n tile(s)...</source>
        <translation>
            <numerusform>正在写入 %n 个瓦片……</numerusform>
        </translation>
    </message>
    <message>
        <source>Export Tiles</source>
        <translation>导出瓦片</translation>
    </message>
    <message>
        <source>Tile export canceled; the tiles written so far are complete.</source>
        <translation>瓦片导出已取消；已写出的瓦片均完整。</translation>
    </message>
    <message>
        <source>Canceled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>Tile export failed</source>
        <translation>瓦片导出失败</translation>
    </message>
    <message>
        <source>Tiles written to %1</source>
        <translation>瓦片已写入 %1</translation>
    </message>
    <message>
        <source>About GeoLens</source>
        <translation>关于 GeoLens</translation>
    </message>
    <message>
        <source>&lt;b&gt;GeoLens %1&lt;/b&gt;&lt;p&gt;A desktop workbench for remote-sensing vision-language models: open rasters of any size, cut them into model tiles, and place the model&apos;s answers on the map.&lt;/p&gt;</source>
        <translation>&lt;b&gt;GeoLens %1&lt;/b&gt;&lt;p&gt;面向遥感视觉语言模型的桌面工作台：打开任意大小的栅格，切分为模型瓦片，并将模型的回答放置到地图上。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>GeoLens cannot open %1.</source>
        <translation>GeoLens 无法打开 %1。</translation>
    </message>
    <message>
        <source>The tiles could not be written to %1.</source>
        <translation>无法将瓦片写入 %1。</translation>
    </message>
    <message>
        <source>Build &amp;Overviews...</source>
        <translation>构建金字塔(&amp;O)……</translation>
    </message>
    <message>
        <source>Write reduced-resolution copies beside the raster (FILE.ovr) so that zoomed-out views are fast</source>
        <translation>在栅格旁写入降分辨率副本 (FILE.ovr)，使缩小视图更快</translation>
    </message>
    <message>
        <source>No overviews: File &gt; Build Overviews makes zoomed-out views fast.</source>
        <translation>无金字塔：“文件 &gt; 构建金字塔”可加快缩小视图。</translation>
    </message>
    <message>
        <source>Build Overviews</source>
        <translation>构建金字塔</translation>
    </message>
    <message>
        <source>Building overviews for %1...</source>
        <translation>正在为 %1 构建金字塔……</translation>
    </message>
    <message>
        <source>Building overviews canceled; nothing was written.</source>
        <translation>已取消构建金字塔；未写入任何内容。</translation>
    </message>
    <message>
        <source>Cannot build overviews</source>
        <translation>无法构建金字塔</translation>
    </message>
    <message>
        <source>Overviews for %1 could not be built.</source>
        <translation>无法为 %1 构建金字塔。</translation>
    </message>
    <message>
        <source>Overviews built; reopening %1</source>
        <translation>金字塔已构建；正在重新打开 %1</translation>
    </message>
    <message>
        <source>&amp;Analysis</source>
        <translation>分析(&amp;A)</translation>
    </message>
    <message>
        <source>Load &amp;Model...</source>
        <translation>加载模型(&amp;M)……</translation>
    </message>
    <message>
        <source>Load a GeoChat or LLaVA-1.5 model folder</source>
        <translation>加载 GeoChat 或 LLaVA-1.5 模型文件夹</translation>
    </message>
    <message>
        <source>&amp;Label Tiles...</source>
        <translation>标注瓦片(&amp;L)……</translation>
    </message>
    <message>
        <source>Give each selected tile (or every tile) a scene class</source>
        <translation>为所选瓦片（或全部瓦片）标注场景类别</translation>
    </message>
    <message>
        <source>&amp;Find Objects...</source>
        <translation>查找目标(&amp;F)……</translation>
    </message>
    <message>
        <source>Draw boxes around the objects a query names, in the selected tiles (or all)</source>
        <translation>在所选瓦片（或全部瓦片）中框出查询所指的目标</translation>
    </message>
    <message>
        <source>&amp;Export Results...</source>
        <translation>导出结果(&amp;E)……</translation>
    </message>
    <message>
        <source>Write the results to a GeoPackage, GeoJSON or CSV file in the raster&apos;s CRS</source>
        <translation>将结果以栅格的坐标参考系写入 GeoPackage、GeoJSON 或 CSV 文件</translation>
    </message>
    <message>
        <source>&amp;Clear Results</source>
        <translation>清除结果(&amp;C)</translation>
    </message>
    <message>
        <source>Model: %1 (%2, %3)</source>
        <translation>模型：%1（%2，%3）</translation>
    </message>
    <message>
        <source>No model</source>
        <translation>未加载模型</translation>
    </message>
    <message>
        <source>Load Model</source>
        <translation>加载模型</translation>
    </message>
    <message>
        <source>Loading the model from %1...</source>
        <translation>正在从 %1 加载模型……</translation>
    </message>
    <message>
        <source>Cannot load the model</source>
        <translation>无法加载模型</translation>
    </message>
    <message>
        <source>GeoLens cannot load the model in %1.</source>
        <translation>GeoLens 无法加载 %1 中的模型。</translation>
    </message>
    <message>
        <source>Model loaded: %1</source>
        <translation>模型已加载：%1</translation>
    </message>
    <message>
        <source>Label Tiles</source>
        <translation>标注瓦片</translation>
    </message>
    <message>
        <source>Labelling tiles with %1...</source>
        <translation>正在用 %1 标注瓦片……</translation>
    </message>
    <message>
        <source>Labelling failed</source>
        <translation>标注失败</translation>
    </message>
    <message>
        <source>The tiles could not be labelled.</source>
        <translation>无法标注瓦片。</translation>
    </message>
    <message>
        <source>Answer: %1</source>
        <translation>回答：%1</translation>
    </message>
    <message numerus="yes">
        <source>Labelled %n tile(s)</source>
        <translation>
            <numerusform>已标注 %n 个瓦片</numerusform>
        </translation>
    </message>
    <message>
        <source>Find Objects</source>
        <translation>查找目标</translation>
    </message>
    <message>
        <source>What should GeoLens look for?</source>
        <translation>要让 GeoLens 查找什么？</translation>
    </message>
    <message>
        <source>Looking for %1...</source>
        <translation>正在查找 %1……</translation>
    </message>
    <message>
        <source>Finding objects failed</source>
        <translation>查找目标失败</translation>
    </message>
    <message>
        <source>The search could not run.</source>
        <translation>无法执行查找。</translation>
    </message>
    <message numerus="yes">
        <source>Found %n box(es)</source>
        <translation>
            <numerusform>找到 %n 个框</numerusform>
        </translation>
    </message>
    <message>
        <source>Export Results</source>
        <translation>导出结果</translation>
    </message>
    <message>
        <source>GeoPackage (*.gpkg);;GeoJSON (*.geojson);;CSV table (*.csv)</source>
        <translation>GeoPackage (*.gpkg);;GeoJSON (*.geojson);;CSV 表格 (*.csv)</translation>
    </message>
    <message>
        <source>Results written to %1</source>
        <translation>结果已写入 %1</translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation>导出失败</translation>
    </message>
    <message>
        <source>The results could not be written to %1.</source>
        <translation>无法将结果写入 %1。</translation>
    </message>
    <message>
        <source>Chat</source>
        <translation>对话</translation>
    </message>
    <message>
        <source>About tile #%1</source>
        <translation>关于瓦片 #%1</translation>
    </message>
    <message>
        <source>About the current view</source>
        <translation>关于当前视图</translation>
    </message>
    <message>
        <source>Cannot ask the model</source>
        <translation>无法向模型提问</translation>
    </message>
    <message>
        <source>The image for the question could not be read.</source>
        <translation>无法读取提问所用的图像。</translation>
    </message>
    <message>
        <source>The model could not answer: %1</source>
        <translation>模型无法回答：%1</translation>
    </message>
    <message numerus="yes">
        <source>%n box(es) drawn on the map</source>
        <translation>
            <numerusform>已在地图上绘制 %n 个框</numerusform>
        </translation>
    </message>
    <message>
        <source>Load a model first (Analysis &gt; Load Model) to describe a region.</source>
        <translation>请先加载模型（分析 &gt; 加载模型）再描述区域。</translation>
    </message>
    <message>
        <source>Describe Region</source>
        <translation>描述区域</translation>
    </message>
    <message>
        <source>Describing the region...</source>
        <translation>正在描述区域……</translation>
    </message>
    <message>
        <source>Describing the region failed</source>
        <translation>描述区域失败</translation>
    </message>
    <message>
        <source>The region could not be described.</source>
        <translation>无法描述该区域。</translation>
    </message>
    <message>
        <source>Region: %1</source>
        <translation>区域：%1</translation>
    </message>
    <message>
        <source>&amp;Describe with Boxes</source>
        <translation>带框描述(&amp;D)</translation>
    </message>
    <message>
        <source>Describe the selected tiles (or all) with boxes around what is mentioned</source>
        <translation>描述所选瓦片（或全部瓦片），并为提到的目标画框</translation>
    </message>
    <message>
        <source>Results</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Describe with Boxes</source>
        <translation>带框描述</translation>
    </message>
    <message>
        <source>Describing the tiles...</source>
        <translation>正在描述瓦片……</translation>
    </message>
    <message>
        <source>%1
%2 layout, %3 billion parameters, %4 MiB of weights
%5 layers, hidden size %6, %7 px input, %8 image tokens</source>
        <translation>%1
%2 布局，%3 十亿参数，权重 %4 MiB
%5 层，隐藏维度 %6，输入 %7 像素，%8 个图像词元</translation>
    </message>
    <message>
        <source>Loading the model was canceled.</source>
        <translation>已取消加载模型。</translation>
    </message>
    <message>
        <source>Region turned by %1 degrees</source>
        <translation>区域已旋转 %1 度</translation>
    </message>
    <message>
        <source>Describe &amp;Region</source>
        <translation>描述区域(&amp;R)</translation>
    </message>
    <message>
        <source>Drag a rectangle on the map to have the model describe it; turn it with the mouse wheel while dragging (Ctrl for 1 degree steps). Shift+drag works at any time.</source>
        <translation>在地图上拖出矩形，由模型描述其内容；拖动时用鼠标滚轮旋转（按住 Ctrl 每次 1 度）。任何时候都可以用 Shift+拖动。</translation>
    </message>
</context>
<context>
    <name>geolens::MapCanvas</name>
    <message>
        <source>Open a raster (File &gt; Open or drag a file here)</source>
        <translation>打开栅格（文件 &gt; 打开，或将文件拖到此处）</translation>
    </message>
</context>
<context>
    <name>geolens::RasterInfoPanel</name>
    <message>
        <source>Property</source>
        <translation>属性</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>格式</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>尺寸</translation>
    </message>
    <message>
        <source>%1 x %2 pixels</source>
        <translation>%1 × %2 像素</translation>
    </message>
    <message>
        <source>Bands</source>
        <translation>波段</translation>
    </message>
    <message>
        <source>Data type</source>
        <translation>数据类型</translation>
    </message>
    <message>
        <source>CRS</source>
        <translation>坐标参考系</translation>
    </message>
    <message>
        <source>none: pixel coordinates only</source>
        <translation>无：仅像素坐标</translation>
    </message>
    <message>
        <source>Pixel size</source>
        <translation>像元大小</translation>
    </message>
    <message>
        <source>Origin</source>
        <translation>原点</translation>
    </message>
    <message>
        <source>Geotransform</source>
        <translation>地理变换</translation>
    </message>
    <message>
        <source>Overviews</source>
        <translation>金字塔</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Band list</source>
        <translation>波段列表</translation>
    </message>
    <message numerus="yes">
        <source>%n more band(s)</source>
        <translation>
            <numerusform>另有 %n 个波段</numerusform>
        </translation>
    </message>
    <message>
        <source>Band %1</source>
        <translation>波段 %1</translation>
    </message>
    <message>
        <source>Nodata</source>
        <translation>无效值</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>描述</translation>
    </message>
</context>
<context>
    <name>geolens::ResultsPanel</name>
    <message>
        <source>Task</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>Label</source>
        <translation>标签</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>得分</translation>
    </message>
    <message>
        <source>Tile</source>
        <translation>瓦片</translation>
    </message>
    <message>
        <source>Double-click a result to zoom to it</source>
        <translation>双击结果以缩放到该处</translation>
    </message>
</context>
<context>
    <name>geolens::SceneLabelDialog</name>
    <message>
        <source>Label Tiles</source>
        <translation>标注瓦片</translation>
    </message>
    <message>
        <source>Custom</source>
        <translation>自定义</translation>
    </message>
    <message>
        <source>Class lists of the benchmarks GeoChat is evaluated on</source>
        <translation>GeoChat 评测所用基准数据集的类别列表</translation>
    </message>
    <message>
        <source>Preset:</source>
        <translation>预设：</translation>
    </message>
    <message>
        <source>One class per line</source>
        <translation>每行一个类别</translation>
    </message>
    <message>
        <source>Classes:</source>
        <translation>类别：</translation>
    </message>
    <message>
        <source>Generate: free answer mapped to a class</source>
        <translation>生成：自由回答并映射到类别</translation>
    </message>
    <message>
        <source>Score: probability of every class</source>
        <translation>打分：每个类别的概率</translation>
    </message>
    <message>
        <source>Scoring compares the likelihood of every class name as the answer</source>
        <translation>打分模式比较每个类别名作为回答的似然</translation>
    </message>
    <message>
        <source>Mode:</source>
        <translation>模式：</translation>
    </message>
    <message>
        <source>Label</source>
        <translation>标注</translation>
    </message>
    <message>
        <source>Selected tiles (all when none is selected)</source>
        <translation>所选瓦片（未选择时为全部）</translation>
    </message>
    <message>
        <source>All tiles</source>
        <translation>全部瓦片</translation>
    </message>
    <message>
        <source>Tiles in view</source>
        <translation>视图内的瓦片</translation>
    </message>
    <message>
        <source>Tiles:</source>
        <translation>瓦片：</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Remote-sensing vision-language workbench</source>
        <translation>遥感视觉语言工作台</translation>
    </message>
    <message>
        <source>Raster to open</source>
        <translation>要打开的栅格</translation>
    </message>
    <message>
        <source>Save a picture of the window once the raster is drawn, then quit</source>
        <translation>栅格绘制完成后保存窗口截图并退出</translation>
    </message>
    <message>
        <source>Interface language (en, zh_CN)</source>
        <translation>界面语言 (en, zh_CN)</translation>
    </message>
    <message>
        <source>Tile ids to select, comma-separated</source>
        <translation>要选择的瓦片编号，以逗号分隔</translation>
    </message>
    <message>
        <source>Model folder to load</source>
        <translation>要加载的模型文件夹</translation>
    </message>
    <message>
        <source>Model input size in pixels (default: the model&apos;s)</source>
        <translation>模型输入尺寸（像素，默认为模型自身的）</translation>
    </message>
    <message>
        <source>Label the tiles with a class preset (ucm, aid, nwpu) once the raster and model are loaded</source>
        <translation>栅格和模型加载后，用类别预设（ucm、aid、nwpu）标注瓦片</translation>
    </message>
    <message>
        <source>Ask the chat a question about the view once the raster and model are loaded</source>
        <translation>栅格和模型加载后，就当前视图向对话提问</translation>
    </message>
    <message>
        <source>Find the objects a query names in the selected tiles (or all)</source>
        <translation>在选中的瓦片（或全部瓦片）中查找查询所指的目标</translation>
    </message>
    <message>
        <source>Describe the selected tiles (or all) with boxes</source>
        <translation>用框描述选中的瓦片（或全部瓦片）</translation>
    </message>
    <message>
        <source>Describe a region given in raster pixels as x1,y1,x2,y2[,angle]</source>
        <translation>描述以栅格像素给出的区域：x1,y1,x2,y2[,角度]</translation>
    </message>
    <message>
        <source>Write the results to a .gpkg, .geojson or .csv file once every task is done</source>
        <translation>所有任务完成后将结果写入 .gpkg、.geojson 或 .csv 文件</translation>
    </message>
</context>
</TS>

package dev.reasoningrouter.classifier;

import dev.reasoningrouter.classifier.model.ComplexityClassifier;
import dev.reasoningrouter.classifier.model.ComplexityModel;
import dev.reasoningrouter.classifier.model.MiniLmEmbedder;
import dev.reasoningrouter.classifier.model.ModelStore;
import dev.reasoningrouter.classifier.model.TextEmbedder;
import dev.reasoningrouter.classifier.routing.RoutingStage;
import dev.reasoningrouter.contracts.WireCodec;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ClassifierProperties.class)
class ClassifierConfiguration {
    private static final Logger log = LoggerFactory.getLogger(ClassifierConfiguration.class);

    @Bean
    ComplexityModel complexityModel(ClassifierProperties props) {
        ModelStore store = new ModelStore();
        ComplexityModel model = props.modelPath() == null || props.modelPath().isBlank()
                ? store.readClasspath(ModelStore.CLASSPATH_LOCATION)
                : store.read(Path.of(props.modelPath()));
        log.info("classifier model {} (embedding {}, calibrated threshold {})", model.version(), model.embedding(), model.threshold());
        return model;
    }

    @Bean
    TextEmbedder textEmbedder(ComplexityModel model, ClassifierProperties props) {
        return new MiniLmEmbedder(MiniLmEmbedder.Variant.byId(model.embedding()), model.windowTokens(), props.onnxThreads());
    }

    @Bean
    ComplexityClassifier complexityClassifier(ComplexityModel model, TextEmbedder embedder, ClassifierProperties props) {
        ComplexityClassifier classifier = new ComplexityClassifier(model, embedder,
                props.threshold() == null ? model.threshold() : props.threshold());
        classifier.classify("warm up the encoder"); // first call initialises the ONNX session's buffers
        return classifier;
    }

    @Bean
    ClassifierMetrics classifierMetrics(MeterRegistry registry) {
        return new ClassifierMetrics(registry);
    }

    @Bean
    WireCodec wireCodec() {
        return new WireCodec();
    }

    @Bean
    @ConditionalOnProperty(name = "rr.classifier.kafka.enabled", havingValue = "true", matchIfMissing = true)
    RoutingStage routingStage(ComplexityClassifier classifier, ClassifierMetrics metrics, WireCodec codec,
                              KafkaProperties kafka, ClassifierProperties props) {
        return new RoutingStage(classifier, metrics, codec, kafka, props.kafka());
    }
}
